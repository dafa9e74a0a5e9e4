import type { LeaseEnd, WriterLease } from '@gwpool/read-model';
import pg from 'pg';
import { translate } from './unavailable.js';

/** How often the holder checks that its session is still there: a dead session has already freed the lock. */
const PING_MS = 1000;
const PING_TIMEOUT_MS = 2000;

/** The two keys of the session-level advisory lock for one lease of one namespace. */
const lockKeys = (namespace: string, name: string): [string, string] => ['gwpool.view-lease', `${namespace}.${name}`];

/**
 * A writer lease held as a PostgreSQL session-level advisory lock on a connection of its own. PostgreSQL frees the
 * lock the moment that session ends (a killed holder's socket closes), so a standby takes over at its next try.
 * Taking it bumps `view_leases.token`: the fence every batch of the holder carries (see applyBatch).
 */
export class PostgresWriterLease implements WriterLease {
  readonly ended: Promise<LeaseEnd>;
  private end!: (end: LeaseEnd) => void;
  private timer?: NodeJS.Timeout;
  private over = false;

  private constructor(
    readonly name: string,
    readonly token: number,
    private readonly client: pg.Client,
    private readonly keys: [string, string],
  ) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    const lost = (error: unknown) => this.finish({ reason: 'unavailable', error });
    client.on('error', lost);
    client.on('end', () => lost(new Error('the lease session ended')));
    this.timer = setInterval(() => {
      client.query({ text: 'SELECT 1', query_timeout: PING_TIMEOUT_MS } as pg.QueryConfig).catch(lost);
    }, PING_MS);
  }

  /** Takes the lease if no session holds it; null otherwise. `s` is the quoted schema. */
  static async tryAcquire(
    url: string,
    namespace: string,
    s: string,
    name: string,
    holder: string,
  ): Promise<PostgresWriterLease | null> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    // Until the lease owns it: an error here must not crash the process.
    const early = () => undefined;
    client.on('error', early);
    try {
      await client.connect();
      const keys = lockKeys(namespace, name);
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked',
        keys,
      );
      if (!rows[0]?.locked) {
        await client.end();
        return null;
      }
      const taken = await client.query<{ token: string }>(
        `INSERT INTO ${s}.view_leases AS lease (name, token, holder, acquired_at) VALUES ($1, 1, $2, now())
         ON CONFLICT (name) DO UPDATE SET token = lease.token + 1, holder = excluded.holder, acquired_at = now()
         RETURNING token`,
        [name, holder],
      );
      client.off('error', early);
      return new PostgresWriterLease(name, Number(taken.rows[0]?.token), client, keys);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw translate(error);
    }
  }

  async release(): Promise<void> {
    if (this.over) return;
    try {
      await this.client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', this.keys);
    } catch {
      // Ending the session frees the lock all the same.
    }
    this.finish({ reason: 'released' });
  }

  private finish(end: LeaseEnd): void {
    if (this.over) return;
    this.over = true;
    clearInterval(this.timer);
    this.client.removeAllListeners('end');
    this.client.on('error', () => undefined);
    void this.client.end().catch(() => undefined);
    this.end(end);
  }
}
