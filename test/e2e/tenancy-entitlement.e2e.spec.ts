import { jest } from '@jest/globals';
import { eventually, type Reply, TestStack } from '@gwpool/testing';
import { cmd, HeartbeatPump, query, registerGateways } from './fleet.js';

jest.setTimeout(90_000);

const codeOf = (reply: Reply) => (reply.ok ? 'OK' : reply.error.code);

describe('gateway pools are an entitlement of an org, and nothing crosses orgs', () => {
  let stack: TestStack;
  let acmePump: HeartbeatPump;
  let globexPump: HeartbeatPump;
  const entitle = (org: string, gatewayPools: boolean) =>
    stack.client.ok(
      'gwpool.v1.admin.entitlement.set',
      { org, gatewayPools },
      { headers: { 'Gwpool-Actor': 'operator' } },
    );

  beforeAll(async () => {
    stack = await TestStack.start({ entitlements: 'enforced' });
    acmePump = new HeartbeatPump(stack.client, 'acme');
    globexPump = new HeartbeatPump(stack.client, 'globex');
    await registerGateways(stack.client, 'acme', ['gw-1']);
    await registerGateways(stack.client, 'globex', ['gw-9']);
    acmePump.set('gw-1', 'passed');
    globexPump.set('gw-9', 'passed');
  });
  afterAll(async () => {
    acmePump?.stop();
    globexPump?.stop();
    await stack?.stop();
  });

  it('answers FORBIDDEN to every pool command and query of an org without the grant', async () => {
    const calls: [string, unknown][] = [
      [cmd('acme', 'pool.create'), { name: 'edge' }],
      [cmd('acme', 'pool.update'), { poolId: 'p', name: 'edge' }],
      [cmd('acme', 'pool.delete'), { poolId: 'p' }],
      [cmd('acme', 'pool.member.add'), { poolId: 'p', gatewayId: 'gw-1' }],
      [cmd('acme', 'pool.member.remove'), { poolId: 'p', gatewayId: 'gw-1' }],
      [cmd('acme', 'consumer.attach'), { consumerId: 'k', consumerType: 'kubernetes-auth', poolId: 'p' }],
      [query('acme', 'pool.get'), { poolId: 'p' }],
      [query('acme', 'pool.list'), {}],
      [query('acme', 'pool.consumers'), { poolId: 'p' }],
      [query('acme', 'route.pick'), { poolId: 'p' }],
      [query('acme', 'pool.get'), { poolId: 'p', at: new Date(Date.now() - 1000).toISOString() }],
      [query('acme', 'pool.list'), { at: new Date(Date.now() - 1000).toISOString() }],
    ];
    for (const [subject, body] of calls) {
      const reply = await stack.client.request(subject, body);
      expect([subject, codeOf(reply)]).toEqual([subject, 'FORBIDDEN']);
      expect(!reply.ok && reply.error.message).toBe("gateway pools are not enabled for org 'acme'");
      expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('403');
    }
  });

  it('keeps single-gateway consumers working without the grant', async () => {
    await eventually(
      () =>
        stack.client.request(cmd('acme', 'consumer.attach'), {
          consumerId: 'ds-1',
          consumerType: 'dynamic-secret',
          gatewayId: 'gw-1',
        }),
      (r) => r.ok,
      { label: 'attach to gw-1' },
    );
    const resolved = await eventually(
      () => stack.client.request(query('acme', 'route.resolve'), { consumerId: 'ds-1' }),
      (r) => r.ok,
    );
    expect(resolved.ok && resolved.value).toEqual({ consumerId: 'ds-1', gatewayId: 'gw-1', zone: 'eu-1', panic: false });
    const gateways = await stack.client.ok<{ gateways: { gatewayId: string }[] }>(query('acme', 'gateway.list'), {});
    expect(gateways.gateways.map((g) => g.gatewayId)).toEqual(['gw-1']);
  });

  let acmePool: string;
  let globexPool: string;

  it('lets an operator grant the feature, after which pools work', async () => {
    expect(await entitle('acme', true)).toEqual({ org: 'acme', gatewayPools: true, position: expect.any(String) });
    await entitle('globex', true);
    acmePool = (await stack.client.ok<{ poolId: string }>(cmd('acme', 'pool.create'), { name: 'edge' })).poolId;
    globexPool = (await stack.client.ok<{ poolId: string }>(cmd('globex', 'pool.create'), { name: 'edge' })).poolId;
    await stack.client.ok(cmd('acme', 'pool.member.add'), { poolId: acmePool, gatewayId: 'gw-1' });
    await stack.client.ok(cmd('globex', 'pool.member.add'), { poolId: globexPool, gatewayId: 'gw-9' });
    await eventually(
      () => stack.client.request(query('acme', 'route.pick'), { poolId: acmePool }),
      (r) => r.ok,
      { label: 'acme pick' },
    );
  });

  it("treats another org's gateway, pool and consumer as NOT_FOUND in every command and query", async () => {
    // Attaching checks the pool's liveness as stored by heartbeat-ingest, which may not have gw-9's first beat yet.
    await eventually(
      () =>
        stack.client.request(cmd('globex', 'consumer.attach'), {
          consumerId: 'k8s-g',
          consumerType: 'kubernetes-auth',
          poolId: globexPool,
        }),
      (r) => r.ok,
      { label: 'attach k8s-g to the globex pool' },
    );
    const calls: [string, unknown][] = [
      [cmd('acme', 'pool.update'), { poolId: globexPool, name: 'mine' }],
      [cmd('acme', 'pool.delete'), { poolId: globexPool }],
      [cmd('acme', 'pool.member.add'), { poolId: globexPool, gatewayId: 'gw-1' }],
      [cmd('acme', 'pool.member.add'), { poolId: acmePool, gatewayId: 'gw-9' }],
      [cmd('acme', 'pool.member.remove'), { poolId: globexPool, gatewayId: 'gw-9' }],
      [cmd('acme', 'gateway.deregister'), { gatewayId: 'gw-9' }],
      [cmd('acme', 'consumer.attach'), { consumerId: 'k', consumerType: 'pam', poolId: globexPool }],
      [cmd('acme', 'consumer.attach'), { consumerId: 'k', consumerType: 'pam', gatewayId: 'gw-9' }],
      [cmd('acme', 'consumer.detach'), { consumerId: 'k8s-g' }],
      [query('acme', 'pool.get'), { poolId: globexPool }],
      [query('acme', 'pool.consumers'), { poolId: globexPool }],
      [query('acme', 'route.pick'), { poolId: globexPool }],
      [query('acme', 'route.resolve'), { consumerId: 'k8s-g' }],
    ];
    for (const [subject, body] of calls) {
      expect([subject, body, codeOf(await stack.client.request(subject, body))]).toEqual([subject, body, 'NOT_FOUND']);
    }
    const list = await stack.client.ok<{ pools: { poolId: string }[] }>(query('acme', 'pool.list'), {});
    expect(list.pools.map((p) => p.poolId)).toEqual([acmePool]);
    // The views follow the log: globex's own attach shows once it reaches routing-query, untouched by acme's calls.
    const globexPoolNow = await eventually(
      () => stack.client.ok<Record<string, unknown>>(query('globex', 'pool.get'), { poolId: globexPool }),
      (pool) => pool['consumerCount'] === 1,
      { label: 'globex consumer counted' },
    );
    expect(globexPoolNow).toMatchObject({ name: 'edge', total: 1, consumerCount: 1 });
  });

  it('shuts pools again when the grant is revoked, recording who did it', async () => {
    await entitle('acme', false);
    await eventually(
      () => stack.client.request(query('acme', 'pool.list'), {}),
      (r) => codeOf(r) === 'FORBIDDEN',
      { label: 'revoked' },
    );
    expect(codeOf(await stack.client.request(cmd('acme', 'pool.create'), { name: 'again' }))).toBe('FORBIDDEN');
    expect(codeOf(await stack.client.request(query('globex', 'pool.list'), {}))).toBe('OK');
    expect(codeOf(await stack.client.request(query('acme', 'route.resolve'), { consumerId: 'ds-1' }))).toBe('OK');
    // The org keeps its own history: the audit trail answers without the grant, and names who revoked it.
    type Audited = { type: string; actor?: string; data: Record<string, unknown> };
    const { events } = await stack.client.ok<{ events: Audited[] }>(query('acme', 'audit.events'), { limit: 1000 });
    expect(events.filter((e) => e.type === 'OrgEntitlementSet').map(({ actor, data }) => ({ actor, data }))).toEqual([
      { actor: 'operator', data: { gatewayPools: true } },
      { actor: 'operator', data: { gatewayPools: false } },
    ]);
    expect(events.map((e) => e.type)).toContain('PoolCreated');
  });

  it('refuses a malformed grant', async () => {
    expect(
      codeOf(await stack.client.request('gwpool.v1.admin.entitlement.set', { org: 'acme', gatewayPools: 'yes' })),
    ).toBe('VALIDATION_FAILED');
    expect(
      codeOf(await stack.client.request('gwpool.v1.admin.entitlement.set', { org: 'bad org', gatewayPools: true })),
    ).toBe('VALIDATION_FAILED');
  });
});
