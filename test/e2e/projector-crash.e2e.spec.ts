import { jest } from '@jest/globals';
import type { ViewDoc } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import { cmd, query } from './fleet.js';

jest.setTimeout(120_000);

const byKey = (a: ViewDoc, b: ViewDoc) =>
  `${a.collection}/${a.org}/${a.id}`.localeCompare(`${b.collection}/${b.org}/${b.id}`);

async function snapshotOf(url: string, namespace: string) {
  const store = await openReadModel(url, namespace);
  try {
    const snapshot = await store.loadSnapshot('projector');
    return { position: snapshot.position, docs: snapshot.docs.sort(byKey) };
  } finally {
    await store.close();
  }
}

describe('the projector survives a crash in the middle of a stream of events', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack?.stop());

  it('ends with views identical to a rebuild from the log after kill -9 and restart', async () => {
    const orgs = ['acme', 'globex', 'initech'];
    let sent = 0;
    const work = async (org: string, worker: number) => {
      for (let i = 0; i < 40; i += 1) {
        const gatewayId = `gw-${worker}-${i}`;
        await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId, zone: `z${i % 3}` });
        const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), {
          name: `pool-${worker}-${i}`,
        });
        await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId });
        if (i % 4 === 0)
          await stack.client.ok(cmd(org, 'pool.update'), {
            poolId,
            name: `renamed-${worker}-${i}`,
            description: 'moved',
          });
        if (i % 5 === 0) await stack.client.ok(cmd(org, 'pool.delete'), { poolId });
        if (i % 7 === 0) await stack.client.ok(cmd(org, 'gateway.deregister'), { gatewayId });
        sent += 1;
      }
    };
    const projector = stack.service('projector');
    const crash = (async () => {
      await eventually(
        () => sent,
        (n) => n >= 20,
        { timeoutMs: 60_000, label: 'stream under way' },
      );
      await projector.stop('SIGKILL');
      await eventually(
        () => sent,
        (n) => n >= 50,
        { timeoutMs: 60_000, label: 'more events while down' },
      );
      await stack.restart(projector);
    })();
    await Promise.all([...orgs.map((org, w) => work(org, w)), crash]);

    const namespace = `rebuild_${Date.now()}`;
    const rebuild = stack.add('projector', { READ_MODEL_NAMESPACE: namespace });
    const url = stack.env.READ_MODEL_URL;
    const [live, rebuilt] = await eventually(
      () => Promise.all([snapshotOf(url, 'gwpool'), snapshotOf(url, namespace)]),
      ([a, b]) => a.position !== null && a.position === b.position && JSON.stringify(a.docs) === JSON.stringify(b.docs),
      { timeoutMs: 30_000, intervalMs: 250, label: 'live views equal the rebuild' },
    );
    await rebuild.stop();
    expect(live.docs).toEqual(rebuilt.docs);
    expect(live.docs.filter((d) => d.collection === 'pools').length).toBe(120);
    // The views the queries serve agree with the stored ones.
    for (const org of orgs) {
      const stored = live.docs
        .filter((d) => d.org === org && d.collection === 'pools' && !d.deleted)
        .map((d) => d.id)
        .sort();
      const served = await eventually(
        () => stack.client.ok<{ pools: { poolId: string }[] }>(query(org, 'pool.list'), {}),
        (r) => r.pools.length === stored.length,
        { label: `${org} pools served` },
      );
      expect(served.pools.map((p) => p.poolId).sort()).toEqual(stored);
    }
  });
});
