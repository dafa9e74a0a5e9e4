import { jest } from '@jest/globals';
import type { ReadModelStore, WriterLease } from '@gwpool/read-model';
import { randomNamespace } from '@gwpool/read-model/testing';
import { openReadModel } from '@gwpool/storage';
import { createDatabase, eventually, requireEnv } from '@gwpool/testing';
import pg from 'pg';
import { type WriterRole, WriterLeadership } from './writer-leadership.js';

jest.setTimeout(60_000);

/** A leadership whose hooks record what it was told. */
function candidate(store: ReadModelStore, holder: string, activate = async (_lease: WriterLease) => undefined) {
  const seen = { roles: [] as WriterRole[], activations: 0, deactivations: 0 };
  const leadership = new WriterLeadership(
    store,
    'projector',
    holder,
    {
      activate: async (lease) => {
        seen.activations += 1;
        await activate(lease);
      },
      deactivate: () => (seen.deactivations += 1),
      roleChanged: (role) => seen.roles.push(role),
    },
    50,
  );
  return { leadership, seen };
}

describe('the writer leadership', () => {
  let url: string;
  let namespace: string;
  let stores: ReadModelStore[];

  beforeAll(async () => {
    url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_leadership_test');
  });
  beforeEach(async () => {
    namespace = randomNamespace();
    stores = await Promise.all([1, 2].map(() => openReadModel(url, namespace)));
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
  });

  const roles = (...leaderships: WriterLeadership[]) => leaderships.map((l) => l.role).sort();

  it('makes exactly one of two candidates the writer, and hands over to the other when it stops', async () => {
    const a = candidate(stores[0] as ReadModelStore, 'a');
    const b = candidate(stores[1] as ReadModelStore, 'b');
    a.leadership.start();
    b.leadership.start();

    await eventually(
      () => roles(a.leadership, b.leadership),
      (r) => r.join() === 'active,standby',
      { label: 'one writer, one standby' },
    );
    const [first, second] = a.leadership.role === 'active' ? [a, b] : [b, a];
    const token = first.leadership.lease?.token ?? Infinity;
    await first.leadership.stop();

    await eventually(
      () => second.leadership.role,
      (role) => role === 'active',
      { label: 'the standby takes over' },
    );
    expect(second.leadership.lease?.token).toBeGreaterThan(token);
    expect(first.seen).toMatchObject({ roles: ['active', 'standby'], activations: 1, deactivations: 1 });
    await second.leadership.stop();
  });

  it('gives the lease back when it cannot start writing, so that it is not held by an instance that does not write', async () => {
    let refusals = 0;
    const a = candidate(stores[0] as ReadModelStore, 'a', async () => {
      refusals += 1;
      if (refusals <= 2) throw new Error('the read model cannot be read');
    });
    a.leadership.start();

    await eventually(
      () => a.leadership.role,
      (role) => role === 'active',
      { label: 'active on the third try' },
    );
    expect(a.seen.activations).toBe(3);
    expect(a.leadership.lease?.token).toBe(3);
    await a.leadership.stop();
  });

  it('after losing its session, keeps its place until it finds the lease taken, then stands by', async () => {
    const a = candidate(stores[0] as ReadModelStore, 'a');
    a.leadership.start();
    await eventually(
      () => a.leadership.role,
      (role) => role === 'active',
      { label: 'a active' },
    );
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const b = candidate(stores[1] as ReadModelStore, 'b');
    try {
      // The holder's session dies (a PostgreSQL restart, a cut connection); b takes the lease meanwhile.
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND objsubid = 2 AND objid::text::bigint = (hashtext($1)::bigint + 4294967296) % 4294967296`,
        [`${namespace}.projector`],
      );
      b.leadership.start();
      await eventually(
        () => a.seen.deactivations,
        (n) => n === 1,
        { label: 'a stops writing' },
      );

      await eventually(
        () => roles(a.leadership, b.leadership),
        (r) => r.join() === 'active,standby',
        { label: 'one writer again' },
      );
      expect(a.seen.roles).toContain('reconnecting');
    } finally {
      await admin.end();
      await a.leadership.stop();
      await b.leadership.stop();
    }
  });
});
