import { ReadModelUnavailableError } from '@gwpool/read-model';
import { eventually, requireEnv } from '@gwpool/testing';
import { describeReadModelContract, randomNamespace } from '@gwpool/read-model/testing';
import pg from 'pg';
import { PostgresReadModelStore } from './index.js';

const url = requireEnv('TEST_POSTGRES_URL');

describeReadModelContract('PostgreSQL', (namespace) => PostgresReadModelStore.open({ url, namespace }));

describe('PostgreSQL read model connection', () => {
  it('reports a server that cannot be reached as ReadModelUnavailableError', async () => {
    await expect(
      PostgresReadModelStore.open({ url: 'postgres://postgres@127.0.0.1:1/postgres' }),
    ).rejects.toBeInstanceOf(ReadModelUnavailableError);
  });
});

describe('PostgreSQL writer lease', () => {
  it('is freed the moment its holder session ends, and the holder is told', async () => {
    const namespace = randomNamespace();
    const [a, b] = await Promise.all([
      PostgresReadModelStore.open({ url, namespace }),
      PostgresReadModelStore.open({ url, namespace }),
    ]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const first = await a.tryAcquireWriterLease('projector', 'projector-a');
      expect(first).not.toBeNull();
      expect(await b.tryAcquireWriterLease('projector', 'projector-b')).toBeNull();

      // What a kill -9 of the holder does to its session.
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND objsubid = 2 AND objid::text::bigint = (hashtext($1)::bigint + 4294967296) % 4294967296`,
        [`${namespace}.projector`],
      );
      expect(rowCount).toBe(1);

      expect(await first?.ended).toMatchObject({ reason: 'unavailable' });
      const second = await eventually(
        () => b.tryAcquireWriterLease('projector', 'projector-b'),
        (lease) => lease !== null,
        { label: 'the standby takes the lease' },
      );
      expect(second?.token).toBeGreaterThan(first?.token ?? Infinity);
      await second?.release();
    } finally {
      await admin.end();
      for (const store of [a, b]) {
        await store.reset();
        await store.close();
      }
    }
  });
});
