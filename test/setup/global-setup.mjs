// Starts one nats-server and one PostgreSQL for the whole run, unless TEST_NATS_URL / TEST_POSTGRES_URL point at running ones.
// The env vars set here are inherited by the jest workers. The launcher comes from the build (npm test and the Nx test
// targets build first): jest does not transform a global setup's imports.
import { existsSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function launcher() {
  const entry = join(repoRoot, 'dist/libs/launcher/src/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run build; npm test does it for you)`);
  return import(pathToFileURL(entry).href);
}

export default async function globalSetup() {
  const started = { servers: [], dir: undefined };
  globalThis.__gwpoolServers = started;
  const { ensureChromium, startNatsServer, startPostgres } = await launcher();
  // The dashboard's browser tests drive Debian's chromium; installed here when missing, as nats-server is.
  process.env.CHROMIUM_BIN = ensureChromium();
  const needNats = !process.env.TEST_NATS_URL;
  const needPostgres = !process.env.TEST_POSTGRES_URL;
  if (!needNats && !needPostgres) return;
  // Under npm test, inside its temp dir so that it goes even when jest is killed before the teardown.
  started.dir = mkdtempSync(join(process.env.GWPOOL_TEST_TMPDIR ?? tmpdir(), 'gwpool-test-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the (0700) temp dir.
  chmodSync(started.dir, 0o711);
  const [nats, postgres] = await Promise.allSettled([
    needNats ? startNatsServer({ dataDir: join(started.dir, 'nats') }) : undefined,
    needPostgres ? startPostgres({ dataDir: join(started.dir, 'postgres') }) : undefined,
  ]);
  for (const result of [nats, postgres])
    if (result.status === 'fulfilled' && result.value) started.servers.push(result.value);
  const failed = [nats, postgres].find((r) => r.status === 'rejected');
  // Jest skips the teardown when the setup throws, so clean up here.
  if (failed) {
    const { default: teardown } = await import('./global-teardown.mjs');
    await teardown();
    throw failed.reason;
  }
  if (nats.value) {
    process.env.TEST_NATS_URL = nats.value.url;
    process.env.TEST_NATS_MONITOR_URL = nats.value.monitorUrl;
  }
  if (postgres.value) process.env.TEST_POSTGRES_URL = postgres.value.url;
}
