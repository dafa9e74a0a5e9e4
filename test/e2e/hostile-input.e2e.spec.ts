import { jest } from '@jest/globals';
import { eventually, TestStack } from '@gwpool/testing';
import { cmd, heartbeat, poolWith, query, registerGateways } from './fleet.js';
import {
  ADMIN_COMMANDS,
  eventCount,
  rawRequest,
  type RawReply,
  requestSubjects,
  validCommandStillReachesViews,
} from './hostile.js';

jest.setTimeout(120_000);

let stack: TestStack;
let startedAt: number;

beforeAll(async () => {
  stack = await TestStack.start();
  startedAt = Date.now();
});
afterAll(() => stack?.stop());

/** Each body quoted in the issue, sent as raw JSON so that `__proto__` arrives as a key. */
describe('hostile input never corrupts the log or stops the views', () => {
  const org = 'acme';
  let poolId: string;
  let before: number;

  const send = (subject: string, payload: string) => rawRequest(stack, subject, payload);

  const expectRefused = (reply: RawReply, code = 'VALIDATION_FAILED') => {
    expect(reply.error?.code).toBe(code);
    expect(reply.headers?.get('Nats-Service-Error-Code')).toBe(
      code === 'VALIDATION_FAILED' ? '400' : expect.any(String),
    );
    expect(reply.bytes).toBeLessThan(4096);
    return reply.error;
  };

  beforeAll(async () => {
    await registerGateways(stack.client, org, ['gw-1', 'gw-2']);
    poolId = await poolWith(stack.client, org, 'edge-eu', ['gw-1']);
  });

  beforeEach(async () => {
    before = await eventCount(stack);
  });

  /** Nothing was stored, and a valid command in another org still reaches pool.get. */
  afterEach(async () => {
    expect(await eventCount(stack)).toBe(before);
    await validCommandStillReachesViews(stack);
  });

  it('refuses {"__proto__":{}} on gateway.register instead of storing an empty GatewayRegistered', async () => {
    const error = expectRefused(await send(cmd(org, 'gateway.register'), '{"__proto__":{}}'));

    expect(error?.message).toBe('invalid request: gatewayId is required; property __proto__ should not exist');
  });

  it('refuses {"__proto__":{"name":42}} on pool.create instead of creating a pool named 42', async () => {
    const error = expectRefused(await send(cmd(org, 'pool.create'), '{"__proto__":{"name":42}}'));

    expect(error?.details?.['fields']).toEqual(
      JSON.parse('{"name":"name is required","__proto__":"property __proto__ should not exist"}'),
    );
  });

  it('answers {"__proto__":null} with VALIDATION_FAILED on all 17 request subjects and the admin commands', async () => {
    // projections.rebuild is not among ADMIN_COMMANDS: the fuzz suite, which sends them valid bodies too, would start
    // rebuilds and swap its views under its own checks.
    for (const subject of [...requestSubjects(org), ...ADMIN_COMMANDS, 'gwpool.v1.admin.projections.rebuild']) {
      const error = expectRefused(await send(subject, '{"__proto__":null}'));
      expect(error?.message).toContain('property __proto__ should not exist');
    }
  });

  it('refuses {"__proto__":{"gatewayId":{"toString":"x"}}} without converting it', async () => {
    for (const subject of [cmd(org, 'pool.member.add'), cmd(org, 'gateway.register'), query(org, 'route.pick')]) {
      expectRefused(await send(subject, '{"__proto__":{"gatewayId":{"toString":"x"}}}'));
    }
  });

  it('refuses hasOwnProperty, __defineGetter__, isPrototypeOf and constructor keys, naming only them', async () => {
    for (const key of ['hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'constructor']) {
      const error = expectRefused(await send(cmd(org, 'pool.create'), `{"name":"sneaky","${key}":"x"}`));
      expect(error?.details).toEqual({ fields: { [key]: `property ${key} should not exist` } });
    }
  });

  it('refuses a __proto__ key with a string value', async () => {
    const error = expectRefused(await send(cmd(org, 'pool.create'), '{"name":"sneaky","__proto__":"x"}'));

    expect(error?.message).toBe('invalid request: property __proto__ should not exist');
  });

  it('refuses free text the log cannot store instead of failing with INTERNAL', async () => {
    for (const payload of [
      '{"gatewayId":"gw-9","name":"a\\u0000b"}',
      '{"gatewayId":"gw-9","name":"a\\ud800b"}',
      '{"gatewayId":"gw-9","name":"\\udc00"}',
    ]) {
      const error = expectRefused(await send(cmd(org, 'gateway.register'), payload));
      expect(error?.details).toEqual({ fields: { name: 'name must not contain a NUL character or a lone surrogate' } });
    }
  });

  it('refuses a body with a 1 MB key before parsing it, with a short reply', async () => {
    const body = `{"${'k'.repeat(1_000_000)}":1}`;
    for (const subject of [cmd(org, 'pool.create'), query(org, 'pool.list')]) {
      const error = expectRefused(await send(subject, body));
      expect(error?.message).toBe(`request body is ${body.length} bytes, over the limit of 65536 bytes`);
      expect(error?.details).toEqual({ fields: { body: 'must be at most 65536 bytes' } });
    }
  });

  it('refuses a body with 50,000 unknown keys, and bounds the reply to a body just under the limit', async () => {
    const keys = (count: number) => `{${Array.from({ length: count }, (_, i) => `"key${i}":1`).join(',')}}`;
    expectRefused(await send(cmd(org, 'gateway.register'), keys(50_000)));

    const reply = await send(cmd(org, 'gateway.register'), keys(5_000));
    const error = expectRefused(reply);
    expect(Object.keys(error?.details?.['fields'] as object)).toHaveLength(5);
    expect(error?.details?.['moreFields']).toBe(4_996);
    expect(error?.message.length).toBeLessThanOrEqual(512);
  });

  it('refuses a body just over 64 KiB on every request subject', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(65_536) });
    for (const subject of [...requestSubjects(org), ...ADMIN_COMMANDS]) {
      expect(expectRefused(await send(subject, body))?.message).toContain('over the limit of 65536 bytes');
    }
  });

  it('refuses a body nested as deep as 64 KiB allows', async () => {
    const deep = `{"poolId":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    for (const subject of [cmd(org, 'pool.delete'), query(org, 'route.pick'), query(org, 'pool.get')]) {
      expect(expectRefused(await send(subject, deep))?.details).toEqual({
        fields: { poolId: 'poolId must be a string' },
      });
    }
    expectRefused(await send(cmd(org, 'pool.create'), '['.repeat(32_768) + ']'.repeat(32_768)));
  });

  it('keeps the list queries of the org working', async () => {
    expect((await send(query(org, 'pool.list'), '{}')).body).toMatchObject({ pools: [{ poolId, name: 'edge-eu' }] });
    expect((await send(query(org, 'gateway.list'), '')).body).toMatchObject({
      gateways: [{ gatewayId: 'gw-1' }, { gatewayId: 'gw-2' }],
    });
  });
});

describe('hostile heartbeats never fake health', () => {
  const org = 'beat';
  let poolId: string;

  beforeAll(async () => {
    await registerGateways(stack.client, org, ['gw-1']);
    poolId = await poolWith(stack.client, org, 'edge-eu', ['gw-1']);
  });

  const member = async () =>
    (await stack.client.ok<{ members: Record<string, unknown>[] }>(query(org, 'pool.get'), { poolId })).members[0];

  it('keeps a gateway whose last check failed unpickable after bogus heartbeats', async () => {
    // heartbeat-ingest learns of the gateway from the log, so it beats until its failed check shows, as a gateway would.
    await eventually(
      async () => {
        stack.client.publish(heartbeat(org, 'gw-1'), { check: 'failed' });
        return member();
      },
      (m) => m?.['lastCheck'] === 'failed',
      { intervalMs: 200, label: 'the failed check in the views' },
    );
    // Answered once processed, so every heartbeat published before it has been processed or superseded by then.
    expect((await rawRequest(stack, heartbeat(org, 'gw-1'), '{"check":"failed"}')).body).toEqual({ accepted: true });
    const stats = await stack.client.ok<{ invalid: number; accepted: number }>(
      'gwpool.v1.admin.heartbeat-ingest.stats',
      {},
    );
    const before = await eventCount(stack);

    for (const payload of [
      '{"__proto__":{"check":"bogus"}}',
      '{"__proto__":{}}',
      '{"check":"bogus"}',
      '{"check":"passed","__proto__":"x"}',
      JSON.stringify({ check: 'passed', detail: 'd'.repeat(70_000) }),
    ]) {
      const reply = await rawRequest(stack, heartbeat(org, 'gw-1'), payload);
      expect(reply.body).toEqual({ accepted: false, reason: 'invalid', message: expect.any(String) });
      expect(reply.body['message']).toMatch(/^heartbeat of 'gw-1' in org 'beat': (invalid request|request body is)/);
      expect(reply.headers?.get('Nats-Service-Error-Code')).toBeUndefined();
    }
    // Past two flushes of heartbeat-ingest: a bogus heartbeat would have reached the views by now.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(await member()).toMatchObject({ healthy: false, lastCheck: 'failed' });
    expect((await stack.client.request(query(org, 'route.pick'), { poolId })).ok).toBe(false);
    const after = await stack.client.ok<{ invalid: number; accepted: number }>(
      'gwpool.v1.admin.heartbeat-ingest.stats',
      {},
    );
    expect(after.invalid - stats.invalid).toBe(5);
    expect(after.accepted).toBe(stats.accepted);
    expect(await eventCount(stack)).toBe(before);
    await validCommandStillReachesViews(stack);
  });

  it('logs no stack trace and no line per bad request', async () => {
    for (let i = 0; i < 20; i += 1) await rawRequest(stack, cmd(org, 'pool.create'), '{"__proto__":null}');

    const logs = stack.logs();
    expect(logs).not.toMatch(/^\s+at /m);
    expect(logs).not.toContain('INTERNAL');
    expect(logs).not.toContain('max_payload');
    // Hundreds of refusals so far, yet at most one summary line per service and 10 s window.
    const windows = Math.ceil((Date.now() - startedAt) / 10_000) + 1;
    expect(logs.match(/RefusedRequests/g)?.length ?? 0).toBeLessThanOrEqual(stack.processes.length * windows);
  });
});
