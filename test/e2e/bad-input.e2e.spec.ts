import { jest } from '@jest/globals';
import { openEventLog } from '@gwpool/storage';
import { type Reply, TestStack } from '@gwpool/testing';
import { cmd, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(60_000);

describe('bad input gets a specific error reply and changes nothing', () => {
  const org = 'acme';
  let stack: TestStack;
  let poolId: string;
  let otherPoolId: string;

  const logLength = async (forOrg: string) => {
    const log = await openEventLog(stack.env.EVENT_STORE_URL);
    try {
      return (await log.readStream(`gwpool-org-${forOrg}`)).length;
    } finally {
      await log.close();
    }
  };

  const expectError = (reply: Reply, code: string, status: string) => {
    expect(reply.ok).toBe(false);
    if (reply.ok) return undefined;
    expect(reply.error.code).toBe(code);
    expect(reply.error.message).toEqual(expect.any(String));
    expect(reply.headers?.get('Nats-Service-Error-Code')).toBe(status);
    expect(reply.headers?.get('Nats-Service-Error')).toBe(reply.error.message);
    return reply.error;
  };

  beforeAll(async () => {
    stack = await TestStack.start();
    await registerGateways(stack.client, org, ['gw-1']);
    poolId = await poolWith(stack.client, org, 'edge-eu', ['gw-1']);
    await registerGateways(stack.client, 'globex', ['gw-9']);
    otherPoolId = await poolWith(stack.client, 'globex', 'edge-us', ['gw-9']);
  });

  afterAll(() => stack?.stop());

  let before: number;
  beforeEach(async () => {
    before = await logLength(org);
  });
  afterEach(async () => {
    expect(await logLength(org)).toBe(before);
  });

  it('refuses a pool name that is not a slug, naming the field', async () => {
    for (const name of ['Edge_EU', '-edge', 'edge-', 'a'.repeat(33), '']) {
      const error = expectError(
        await stack.client.request(cmd(org, 'pool.create'), { name }),
        'VALIDATION_FAILED',
        '400',
      );
      expect(error?.details?.['fields']).toHaveProperty('name');
    }
  });

  it('refuses a request with missing fields, naming each of them', async () => {
    const error = expectError(await stack.client.request(cmd(org, 'pool.member.add'), {}), 'VALIDATION_FAILED', '400');
    expect(Object.keys(error?.details?.['fields'] as object).sort()).toEqual(['gatewayId', 'poolId']);
  });

  it('refuses unknown fields rather than ignoring them', async () => {
    const error = expectError(
      await stack.client.request(cmd(org, 'pool.create'), { name: 'x1', colour: 'red' }),
      'VALIDATION_FAILED',
      '400',
    );
    expect(error?.details?.['fields']).toHaveProperty('colour');
  });

  it('answers a body that is not JSON instead of staying silent', async () => {
    const error = expectError(
      await stack.client.request(cmd(org, 'pool.create'), null, { raw: '{"name": "oops"' }),
      'VALIDATION_FAILED',
      '400',
    );
    expect(error?.message).toMatch(/not valid JSON/);
    expectError(
      await stack.client.request(query(org, 'route.pick'), null, { raw: 'pick please' }),
      'VALIDATION_FAILED',
      '400',
    );
    expectError(await stack.client.request(cmd(org, 'pool.create'), ['edge']), 'VALIDATION_FAILED', '400');
  });

  it('refuses a second pool with the same name in one org', async () => {
    const error = expectError(
      await stack.client.request(cmd(org, 'pool.create'), { name: 'edge-eu' }),
      'CONFLICT',
      '409',
    );
    expect(error?.message).toBe("a pool named 'edge-eu' already exists in org 'acme'");
  });

  it('refuses to add a gateway that is not registered, saying which', async () => {
    const error = expectError(
      await stack.client.request(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-ghost' }),
      'NOT_FOUND',
      '404',
    );
    expect(error?.message).toBe("gateway 'gw-ghost' is not registered in org 'acme'");
  });

  it("never shows or touches another org's pool", async () => {
    const error = expectError(
      await stack.client.request(query(org, 'pool.get'), { poolId: otherPoolId }),
      'NOT_FOUND',
      '404',
    );
    expect(error?.message).toContain(otherPoolId);
    expectError(await stack.client.request(query(org, 'route.pick'), { poolId: otherPoolId }), 'NOT_FOUND', '404');
    expectError(
      await stack.client.request(cmd(org, 'pool.member.add'), { poolId: otherPoolId, gatewayId: 'gw-1' }),
      'NOT_FOUND',
      '404',
    );
    expectError(
      await stack.client.request(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-9' }),
      'NOT_FOUND',
      '404',
    );
    const list = await stack.client.ok<{ pools: { poolId: string }[] }>(query(org, 'pool.list'), {});
    expect(list.pools.map((p) => p.poolId)).toEqual([poolId]);
  });

  it('refuses an org token that is not a valid subject token', async () => {
    expectError(
      await stack.client.request('gwpool.v1.bad$org.cmd.pool.create', { name: 'edge' }),
      'VALIDATION_FAILED',
      '400',
    );
  });

  it('refuses the org token reserved for operator subjects, in commands and queries', async () => {
    const create = expectError(
      await stack.client.request(cmd('admin', 'pool.create'), { name: 'edge' }),
      'VALIDATION_FAILED',
      '400',
    );
    const list = expectError(await stack.client.request(query('admin', 'pool.list'), {}), 'VALIDATION_FAILED', '400');

    expect(create?.message).toBe("'admin' is reserved for operator subjects and cannot name an org");
    expect(list?.details).toEqual({ fields: { org: 'must not be one of: admin' } });
    expect(await logLength('admin')).toBe(0);
  });

  it('keeps the stored pool exactly as it was', async () => {
    const pool = await stack.client.ok<Record<string, unknown>>(query(org, 'pool.get'), { poolId });
    expect(pool).toMatchObject({ poolId, name: 'edge-eu', total: 1, consumerCount: 0 });
  });
});
