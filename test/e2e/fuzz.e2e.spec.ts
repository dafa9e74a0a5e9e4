import { jest } from '@jest/globals';
import { eventually, TestStack } from '@gwpool/testing';
import fc from 'fast-check';
import { heartbeat, poolWith, registerGateways } from './fleet.js';
import {
  ADMIN_COMMANDS,
  DOCUMENTED_REFUSALS,
  LogCounter,
  rawRequest,
  requestSubjects,
  validCommandStillReachesViews,
} from './hostile.js';

jest.setTimeout(180_000);

const ORG = 'fuzz';
const FIELDS = ['gatewayId', 'poolId', 'consumerId', 'consumerType', 'name', 'zone', 'description', 'check', 'detail'];
const MORE_FIELDS = ['sentAt', 'org', 'gatewayPools', 'revision', 'reason', 'strategy', 'maxMembers', 'tags'];
const ROUTING_FIELDS = ['draining', 'exclude', 'key', 'preferZone', 'requireTags', 'outcome', 'load'];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__'];

/** Any JSON value, wrong types for every field included, nested a few levels deep. */
const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', 'gw-1', 'edge-eu', 'passed', 'failed', 'pam', 'bad id!', 'x'.repeat(65), '\u0000\u001f\r\n'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 }),
  ),
}));

/** Values that break a field of a valid body: wrong types, text the stores cannot hold, out-of-range numbers. */
const breakingValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('a\u0000b', '\ud800', 'x\udc00', '', 'x'.repeat(1025), 7.5, -1, 2 ** 53, null),
  },
  { weight: 1, arbitrary: anyValue },
);

const anyKey = fc.oneof(
  fc.constantFrom(...FIELDS, ...MORE_FIELDS, ...ROUTING_FIELDS),
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Bodies as raw text, so that `__proto__` arrives as a key and nothing is normalised on the way. */
const anyBody = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(anyKey, anyValue), { maxLength: 6 }).map(objectText) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((n) => JSON.stringify({ name: 'n'.repeat(n) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3000 })
      .map((n) => objectText(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'null', '[]', '"x"', '7', '{"__proto__":null}', '{"__proto__":{"check":"bogus"}}'),
  },
);

/** A valid body per subject, which the fuzzer breaks one field at a time (wrong type, prototype key, extra key). */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  [`gwpool.v1.${ORG}.cmd.gateway.register`]: { gatewayId: 'gw-f', name: 'Fuzz', zone: 'z1', tags: ['gpu', 'pci'] },
  [`gwpool.v1.${ORG}.cmd.gateway.drain`]: { gatewayId: 'gw-2', draining: true },
  [`gwpool.v1.${ORG}.cmd.pool.create`]: { name: 'fz', description: 'fuzzed', strategy: 'least-loaded', maxMembers: 3 },
  [`gwpool.v1.${ORG}.cmd.pool.update`]: {
    poolId: 'p-1',
    name: 'fz2',
    description: 'd',
    strategy: 'round-robin',
    maxMembers: 0,
  },
  [`gwpool.v1.${ORG}.cmd.pool.member.add`]: { poolId: 'p-1', gatewayId: 'gw-1' },
  [`gwpool.v1.${ORG}.cmd.consumer.attach`]: { consumerId: 'c-1', consumerType: 'pam', gatewayId: 'gw-1' },
  [`gwpool.v1.${ORG}.cmd.consumer.detach`]: { consumerId: 'c-1' },
  [`gwpool.v1.${ORG}.query.route.pick`]: {
    poolId: 'p-1',
    exclude: ['gw-2'],
    key: 'session-1',
    preferZone: 'z1',
    requireTags: ['gpu'],
  },
  [`gwpool.v1.${ORG}.query.route.resolve`]: { consumerId: 'c-1', exclude: ['gw-2'], key: 's', requireTags: ['gpu'] },
  [`gwpool.v1.${ORG}.route.report`]: { poolId: 'p-1', gatewayId: 'gw-1', outcome: 'failed', detail: 'refused' },
  'gwpool.v1.admin.entitlement.set': { org: ORG, gatewayPools: true },
  'gwpool.v1.admin.event.void': { org: ORG, revision: 0, reason: 'fuzz' },
  'gwpool.v1.admin.org.account.set': { org: ORG, accountPublicKey: `A${'F'.repeat(55)}` },
  [`gwpool.v1.${ORG}.heartbeat.gw-1`]: {
    check: 'passed',
    detail: 'ok',
    sentAt: '2026-01-01T00:00:00Z',
    load: { activeConnections: 3, capacity: 10 },
  },
};

const brokenTemplate = fc
  .constantFrom(...Object.keys(TEMPLATES))
  .chain((subject) =>
    fc.tuple(
      fc.constant(subject),
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...Object.keys(TEMPLATES[subject] ?? {})) },
        { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'extra') },
      ),
      breakingValue,
      fc.boolean(),
    ),
  )
  .map(([subject, field, value, drop]): [string, string] => {
    const entries = Object.entries(TEMPLATES[subject] ?? {}).filter(([key]) => key !== field);
    return [subject, objectText(drop ? entries : [...entries, [field, value]])];
  });

function objectText(entries: readonly (readonly [string, unknown])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;
}

describe('a fuzzed flood over every subject', () => {
  let stack: TestStack;
  let counter: LogCounter;

  beforeAll(async () => {
    stack = await TestStack.start();
    counter = await LogCounter.open(stack);
    await registerGateways(stack.client, ORG, ['gw-1', 'gw-2']);
    await poolWith(stack.client, ORG, 'edge-eu', ['gw-1']);
  });
  afterAll(async () => {
    await counter?.close();
    await stack?.stop();
  });

  const subjects = [
    ...requestSubjects(ORG),
    ...ADMIN_COMMANDS,
    'gwpool.v1.admin.projector.status',
    'gwpool.v1.admin.heartbeat-ingest.stats',
    heartbeat(ORG, 'gw-1'),
  ];

  it('answers every request within a second with a documented code and stores nothing it refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...subjects), anyBody) },
          { weight: 2, arbitrary: brokenTemplate },
        ),
        async ([subject, body]) => {
          const before = await counter.count();
          const reply = await rawRequest(stack, subject, body, 1000);
          if (reply.error) {
            expect(DOCUMENTED_REFUSALS).toContain(reply.error.code);
            expect(reply.bytes).toBeLessThan(4096);
            expect(await counter.count()).toBe(before);
          } else if (subject.includes('.heartbeat.')) {
            expect(reply.body['accepted'] === true || reply.body['reason'] === 'invalid').toBe(true);
          }
        },
      ),
      { seed: 20_260_108, numRuns: 1000, endOnFailure: true },
    );
  });

  it('leaves every service alive and the views advancing', async () => {
    expect(stack.processes.every((p) => p.running)).toBe(true);
    await validCommandStillReachesViews(stack);
    const status = await eventually(
      () => stack.client.ok<Record<string, unknown>>('gwpool.v1.admin.projector.status', {}),
      (s) => s['storedPosition'] === s['appliedPosition'],
      { label: 'the projector caught up' },
    );
    expect(status['quarantine']).toEqual({ count: 0, events: [] });
    expect(stack.logs()).not.toMatch(/^\s+at /m);
  });
});
