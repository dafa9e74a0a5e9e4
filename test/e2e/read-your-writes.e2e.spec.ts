import { jest } from '@jest/globals';
import { eventually, PlainClient, type Reply, TestStack } from '@gwpool/testing';
import { cmd, HeartbeatPump, query, registerGateways } from './fleet.js';

jest.setTimeout(600_000);

const ROUNDS = 500;
const codeOf = (reply: Reply) => (reply.ok ? 'OK' : reply.error.code);

interface PoolDetails {
  poolId: string;
  members: { gatewayId: string }[];
}

/**
 * A caller that gets a command's reply and then queries sees the command, with no token, whichever of two
 * routing-query instances answers and whichever of three pool-command instances took the command; a position from a
 * reply carries that promise to another connection.
 */
describe('read your own writes', () => {
  const org = 'ryw';
  let stack: TestStack;
  let pump: HeartbeatPump;

  beforeAll(async () => {
    stack = await TestStack.start({ poolCommandInstances: 3, routingQueryInstances: 2 });
    pump = new HeartbeatPump(stack.client, org);
    await registerGateways(stack.client, org, ['gw-1']);
    pump.set('gw-1', 'passed');
    // Every pool-command instance must have heard gw-1 beat before an attach to its pool can be accepted.
    const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name: 'warm-up' });
    await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-1' });
    let accepted = 0;
    await eventually(
      async () => {
        const reply = await stack.client.request(cmd(org, 'consumer.attach'), {
          consumerId: 'warm-up',
          consumerType: 'kubernetes-auth',
          poolId,
        });
        accepted = reply.ok ? accepted + 1 : 0;
        return accepted;
      },
      (count) => count >= 9,
      { label: 'every pool-command instance hears gw-1', intervalMs: 20 },
    );
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  it(`shows every command to the query sent right after its reply, ${ROUNDS} rounds in a row`, async () => {
    const { client } = stack;
    const misses: string[] = [];
    const miss = (round: number, what: string, reply: Reply<unknown>) =>
      misses.push(`round ${round}, ${what}: ${JSON.stringify(reply)}`);
    for (let round = 0; round < ROUNDS; round += 1) {
      const { poolId } = await client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name: `pool-${round}` });
      const created = await client.request<PoolDetails>(query(org, 'pool.get'), { poolId });
      if (!created.ok) miss(round, 'pool.get after pool.create', created);

      await client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-1' });
      const withMember = await client.request<PoolDetails>(query(org, 'pool.get'), { poolId });
      if (!withMember.ok || !withMember.value.members.some((m) => m.gatewayId === 'gw-1')) {
        miss(round, 'pool.get after pool.member.add', withMember);
      }
      const picked = await client.request<{ gatewayId: string }>(query(org, 'route.pick'), { poolId });
      if (!picked.ok || picked.value.gatewayId !== 'gw-1') miss(round, 'route.pick after pool.member.add', picked);

      const consumerId = `consumer-${round}`;
      await client.ok(cmd(org, 'consumer.attach'), { consumerId, consumerType: 'kubernetes-auth', poolId });
      const consumers = await client.request<{ consumers: { consumerId: string }[] }>(query(org, 'pool.consumers'), {
        poolId,
      });
      if (!consumers.ok || !consumers.value.consumers.some((c) => c.consumerId === consumerId)) {
        miss(round, 'pool.consumers after consumer.attach', consumers);
      }

      await client.ok(cmd(org, 'consumer.detach'), { consumerId });
      const resolved = await client.request(query(org, 'route.resolve'), { consumerId });
      if (codeOf(resolved) !== 'NOT_FOUND') miss(round, 'route.resolve after consumer.detach', resolved);

      await client.ok(cmd(org, 'pool.delete'), { poolId });
      const deleted = await client.request(query(org, 'pool.get'), { poolId });
      if (codeOf(deleted) !== 'NOT_FOUND') miss(round, 'pool.get after pool.delete', deleted);
    }

    expect(misses).toEqual([]);
  });

  it('gives every successful command its position, and a repeat that changes nothing the position holding it', async () => {
    const first = await stack.client.ok<{ position: string }>(cmd(org, 'gateway.register'), { gatewayId: 'gw-same' });
    const again = await stack.client.ok<{ position: string }>(cmd(org, 'gateway.register'), { gatewayId: 'gw-same' });

    expect(first.position).toEqual(expect.any(String));
    expect(again.position).toBe(first.position);
  });

  it("shows a command to a query on another connection that names the command's position", async () => {
    const other = await PlainClient.connect(stack.env.NATS_URL);
    try {
      for (let round = 0; round < 20; round += 1) {
        const name = `elsewhere-${round}`;
        const { poolId, position } = await stack.client.ok<{ poolId: string; position: string }>(
          cmd(org, 'pool.create'),
          { name },
        );
        const viaBody = await other.request(query(org, 'pool.get'), { poolId, minPosition: position });
        const viaHeader = await other.request(
          query(org, 'pool.list'),
          {},
          { headers: { 'Gwpool-Min-Position': position } },
        );

        expect(viaBody).toMatchObject({ ok: true, value: { poolId, name } });
        expect(viaHeader.ok && viaHeader.value['pools']).toEqual(
          expect.arrayContaining([expect.objectContaining({ name })]),
        );
      }
    } finally {
      await other.close();
    }
  });

  it('answers UNAVAILABLE, saying how far behind it is, for a position past the head of the log', async () => {
    const { position } = await stack.client.ok<{ position: string }>(cmd(org, 'gateway.register'), {
      gatewayId: 'gw-2',
    });
    // A PostgreSQL position is `transaction:sequence`; a million transactions on, the log will not get there.
    const [tx] = position.split(':');
    const future = `${BigInt(tx ?? '0') + 1_000_000n}:1`;

    const [viaBody, viaHeader] = await Promise.all([
      stack.client.request(query(org, 'gateway.list'), { minPosition: future }),
      stack.client.request(
        query(org, 'route.pick'),
        { poolId: 'any-pool' },
        { headers: { 'Gwpool-Min-Position': future } },
      ),
    ]);

    for (const reply of [viaBody, viaHeader]) {
      expect(reply).toMatchObject({
        ok: false,
        error: {
          code: 'UNAVAILABLE',
          message: expect.stringMatching(
            new RegExp(
              `^the view of this instance is behind: .* and this query needs position ${future}; ` +
                `when last measured it was \\d+ events \\([\\d.]+ s\\) behind the head of the log; waited \\d+ ms`,
            ),
          ),
          details: { wantedPosition: future, appliedPosition: expect.any(String), eventsBehind: expect.any(Number) },
        },
      });
      expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('503');
    }
  });

  it.each([
    ['a number', { minPosition: 42 }, undefined, 'minPosition must be a string'],
    ['null', { minPosition: null }, undefined, 'minPosition must be a string'],
    ['an object', { minPosition: { $gt: '1:1' } }, undefined, 'minPosition must be a string'],
    ['an empty string', { minPosition: '' }, undefined, 'minPosition must not be empty'],
    ['text that is no position', { minPosition: 'tomorrow' }, undefined, "minPosition 'tomorrow' is not a position"],
    ['a position of another log', { minPosition: '88/80' }, undefined, "minPosition '88/80' is not a position"],
    ['a huge string', { minPosition: '9'.repeat(10_000) }, undefined, 'shorter than or equal to 64 characters'],
    ['a header that is no position', {}, 'not-a-position', "minPosition 'not-a-position' is not a position"],
    ['a huge header', {}, '9'.repeat(2000), 'minPosition must be at most 64 characters'],
  ])('refuses %s as a minPosition with VALIDATION_FAILED', async (_label, body, header, reason) => {
    const reply = await stack.client.request(
      query(org, 'pool.list'),
      body,
      header === undefined ? {} : { headers: { 'Gwpool-Min-Position': header } },
    );

    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining(reason) },
    });
  });
});
