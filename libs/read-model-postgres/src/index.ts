// Over 200 lines: one class for the read-model port's operations on PostgreSQL, each a few lines; the SQL schema is in
// schema.ts.
import {
  LeaseLostError,
  type LivenessRecord,
  type ReadModelOptions,
  type ReadModelStore,
  type ViewBatch,
  type ViewCollection,
  type ViewDoc,
  isViewsPointer,
  type ViewSnapshot,
  type ViewsPointer,
  type WriterLease,
} from '@gwpool/read-model';
import pg from 'pg';
import { DOC_COLUMNS, type DocRow, type LivenessRow, schemaDdl, toDoc, toLiveness } from './schema.js';
import { translate } from './unavailable.js';
import { PostgresWriterLease } from './writer-lease.js';

const NAMESPACE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Keeps one item per key, the one `newer` prefers, sorted by key so concurrent writers lock rows in the same order. */
function newestByKey<T>(items: readonly T[], key: (item: T) => string, newer: (a: T, b: T) => boolean): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const current = byKey.get(k);
    if (current === undefined || newer(item, current)) byKey.set(k, item);
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as T);
}

/** Views, checkpoints and liveness in one PostgreSQL schema per namespace. */
export class PostgresReadModelStore implements ReadModelStore {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly namespace: string,
    /** The quoted schema name, validated as an identifier. */
    private readonly s: string,
  ) {}

  static async open({ url, namespace = 'gwpool' }: ReadModelOptions): Promise<PostgresReadModelStore> {
    if (!NAMESPACE_PATTERN.test(namespace))
      throw new RangeError(`read-model namespace '${namespace}' must match ${NAMESPACE_PATTERN}`);
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection must not crash the process; the next query reports the outage.
    pool.on('error', () => undefined);
    const store = new PostgresReadModelStore(pool, url, namespace, `"${namespace}"`);
    try {
      // The lock serializes DDL between processes opening the same namespace at once.
      await store.transaction('BEGIN', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gwpool.read-model.${namespace}`]);
        await client.query(schemaDdl(store.s));
      });
    } catch (error) {
      await pool.end();
      throw translate(error);
    }
    return store;
  }

  tryAcquireWriterLease(name: string, holder: string): Promise<WriterLease | null> {
    return PostgresWriterLease.tryAcquire(this.url, this.namespace, this.s, name, holder);
  }

  async applyBatch({ docs, checkpoint, fence }: ViewBatch): Promise<void> {
    // ON CONFLICT cannot touch a row twice in one statement, so only the newest revision of each doc goes in.
    const rows = newestByKey(
      docs,
      (d) => `${d.collection}\u0000${d.org}\u0000${d.id}`,
      (a, b) => a.revision > b.revision,
    );
    await this.run(() =>
      this.transaction('BEGIN', async (client) => {
        // The share lock makes a new holder's token bump wait for this batch, and this batch see a bump before it.
        const lease = await client.query<{ token: string }>(
          `SELECT token FROM ${this.s}.view_leases WHERE name = $1 FOR SHARE`,
          [checkpoint.name],
        );
        if (lease.rows[0] === undefined || Number(lease.rows[0].token) !== fence)
          throw new LeaseLostError(checkpoint.name, fence);
        if (rows.length > 0) {
          // One JSON parameter: PostgreSQL parses it faster than the driver encodes six arrays.
          await client.query(
            `INSERT INTO ${this.s}.view_docs AS stored (${DOC_COLUMNS})
             SELECT ${DOC_COLUMNS}
             FROM jsonb_to_recordset($1::jsonb)
               AS t(collection text, org text, id text, revision bigint, deleted boolean, body jsonb)
             ON CONFLICT (collection, org, id) DO UPDATE
               SET revision = excluded.revision, deleted = excluded.deleted, body = excluded.body
               WHERE stored.revision < excluded.revision`,
            [JSON.stringify(rows)],
          );
        }
        await client.query(
          `INSERT INTO ${this.s}.view_checkpoints (name, position) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
          [checkpoint.name, checkpoint.position],
        );
      }),
    );
  }

  loadSnapshot(checkpointName: string): Promise<ViewSnapshot> {
    return this.run(() =>
      this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
        const checkpoint = await client.query<{ position: string }>(
          `SELECT position FROM ${this.s}.view_checkpoints WHERE name = $1`,
          [checkpointName],
        );
        const docs = await client.query<DocRow>(
          `SELECT ${DOC_COLUMNS} FROM ${this.s}.view_docs ORDER BY collection, org, id`,
        );
        return { position: checkpoint.rows[0]?.position ?? null, docs: docs.rows.map(toDoc) };
      }),
    );
  }

  async readCheckpoint(name: string): Promise<string | null> {
    const { rows } = await this.run(() =>
      this.pool.query<{ position: string }>(`SELECT position FROM ${this.s}.view_checkpoints WHERE name = $1`, [name]),
    );
    return rows[0]?.position ?? null;
  }

  async getDoc(collection: ViewCollection, org: string, id: string): Promise<ViewDoc | null> {
    const { rows } = await this.run(() =>
      this.pool.query<DocRow>(
        `SELECT ${DOC_COLUMNS} FROM ${this.s}.view_docs WHERE collection = $1 AND org = $2 AND id = $3`,
        [collection, org, id],
      ),
    );
    return rows[0] ? toDoc(rows[0]) : null;
  }

  async listDocs(collection: ViewCollection, org: string): Promise<ViewDoc[]> {
    const { rows } = await this.run(() =>
      this.pool.query<DocRow>(
        `SELECT ${DOC_COLUMNS} FROM ${this.s}.view_docs WHERE collection = $1 AND org = $2 ORDER BY id`,
        [collection, org],
      ),
    );
    return rows.map(toDoc);
  }

  async recordLiveness(records: readonly LivenessRecord[]): Promise<void> {
    const rows = newestByKey(
      records,
      (r) => `${r.org}\u0000${r.gatewayId}`,
      (a, b) => a.at > b.at,
    );
    if (rows.length === 0) return;
    await this.run(() =>
      this.pool.query(
        `INSERT INTO ${this.s}.gateway_liveness AS stored (org, gateway_id, at, "check", detail)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])
         ON CONFLICT (org, gateway_id) DO UPDATE
           SET at = excluded.at, "check" = excluded."check", detail = excluded.detail
           WHERE stored.at < excluded.at`,
        [
          rows.map((r) => r.org),
          rows.map((r) => r.gatewayId),
          rows.map((r) => r.at),
          rows.map((r) => r.check),
          rows.map((r) => r.detail ?? null),
        ],
      ),
    );
  }

  async loadLiveness(filter?: { org: string; gatewayIds?: readonly string[] }): Promise<LivenessRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter) {
      params.push(filter.org);
      where.push(`org = $${params.length}`);
      if (filter.gatewayIds) {
        params.push(filter.gatewayIds);
        where.push(`gateway_id = ANY($${params.length}::text[])`);
      }
    }
    const { rows } = await this.run(() =>
      this.pool.query<LivenessRow>(
        `SELECT org, gateway_id, at, "check", detail FROM ${this.s}.gateway_liveness
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY org, gateway_id`,
        params,
      ),
    );
    return rows.map(toLiveness);
  }

  async readViewsPointer(): Promise<ViewsPointer | null> {
    const { rows } = await this.run(() =>
      this.pool.query<{ namespace: string; generation: string }>(
        `SELECT namespace, generation FROM ${this.s}.views_pointer`,
      ),
    );
    const row = rows[0];
    if (row === undefined) return null;
    const pointer = { namespace: row.namespace, generation: Number(row.generation) };
    if (!isViewsPointer(pointer)) throw new RangeError(`the stored views pointer is not valid: ${JSON.stringify(row)}`);
    return pointer;
  }

  async writeViewsPointer(pointer: ViewsPointer): Promise<void> {
    if (!isViewsPointer(pointer)) throw new RangeError(`not a views pointer: ${JSON.stringify(pointer)}`);
    await this.run(() =>
      this.pool.query(
        `INSERT INTO ${this.s}.views_pointer (namespace, generation, written_at) VALUES ($1, $2, now())
         ON CONFLICT (only_row) DO UPDATE
           SET namespace = excluded.namespace, generation = excluded.generation, written_at = excluded.written_at`,
        [pointer.namespace, pointer.generation],
      ),
    );
  }

  async reset(): Promise<void> {
    await this.run(() =>
      // Leases stay: their tokens must only ever grow, or a writer fenced out long ago could write again.
      this.pool.query(`TRUNCATE ${this.s}.view_docs, ${this.s}.view_checkpoints, ${this.s}.gateway_liveness`),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  }

  private async transaction<T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A client that cannot even roll back is discarded rather than returned to the pool.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
