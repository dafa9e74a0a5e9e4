import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** A fresh, empty database on the test server, so suites never see each other's data. */
export async function createDatabase(serverUrl: string, prefix = 'gwpool_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through npm test, whose global setup starts the servers`);
  return value;
}
