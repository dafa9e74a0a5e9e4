import { jest } from '@jest/globals';
import type { LivenessRecord } from '@gwpool/read-model';
import { HeartbeatIntake, type IntakeOptions } from './heartbeat-intake.js';

const encode = (text: string) => new TextEncoder().encode(text);
const PASSED = encode('{"check":"passed"}');
const FAILED = encode('{"check":"failed"}');
const subject = (gatewayId: string, org = 'acme') => `gwpool.v1.${org}.heartbeat.${gatewayId}`;
// The intake processes in a setImmediate; one queued after it runs after it, however busy the machine.
const settle = () => new Promise((resolve) => setImmediate(resolve));

function intake(options: Partial<IntakeOptions> = {}, registered = (_org: string, id: string) => id !== 'stranger') {
  const recorded = new Map<string, LivenessRecord>();
  /** Arrival times of every heartbeat accepted, by gateway. */
  const accepted = new Map<string, number[]>();
  const replies: { subject: string; body: object }[] = [];
  const heartbeats = new HeartbeatIntake(
    {
      isRegistered: registered,
      record: (record, key) => {
        recorded.set(key, record);
        accepted.set(record.gatewayId, [...(accepted.get(record.gatewayId) ?? []), record.at]);
        return true;
      },
      reply: (to, body) => replies.push({ subject: to, body }),
    },
    { maxQueued: 1000, maxRate: 0, ttlMs: 5000, ...options },
  );
  const balanced = () => {
    const { received, accepted, unregistered, invalid, forbidden, shed } = heartbeats.counts;
    return received === accepted + unregistered + invalid + forbidden + shed + heartbeats.queued;
  };
  return { heartbeats, recorded, accepted, replies, balanced };
}

describe('the heartbeat intake', () => {
  it('records a heartbeat with the time it was read, once processed', async () => {
    const { heartbeats, recorded, balanced } = intake();
    const before = Date.now();

    heartbeats.offer(subject('gw-1'), PASSED);
    heartbeats.offer(subject('gw-2'), encode('{"check":"failed","detail":"tls","sentAt":"2025-11-25T16:21:07Z"}'));
    await settle();

    expect(recorded.get(subject('gw-1'))).toMatchObject({ org: 'acme', gatewayId: 'gw-1', check: 'passed' });
    expect(recorded.get(subject('gw-1'))?.at).toBeGreaterThanOrEqual(before);
    expect(recorded.get(subject('gw-2'))).toMatchObject({ check: 'failed', detail: 'tls' });
    expect(heartbeats.counts).toMatchObject({ received: 2, accepted: 2, shed: 0 });
    expect(balanced()).toBe(true);
  });

  it('keeps only the newest waiting heartbeat of a gateway, and counts the older ones as shed', () => {
    const { heartbeats, recorded, balanced } = intake();

    heartbeats.offer(subject('gw-1'), PASSED);
    heartbeats.offer(subject('gw-2'), PASSED);
    heartbeats.offer(subject('gw-1'), PASSED);
    heartbeats.offer(subject('gw-1'), FAILED);
    expect(heartbeats.queued).toBe(2);
    expect(balanced()).toBe(true);
    heartbeats.stop();

    expect(recorded.get(subject('gw-1'))?.check).toBe('failed');
    expect(heartbeats.counts).toMatchObject({ received: 4, accepted: 2, shed: 2 });
    expect(balanced()).toBe(true);
  });

  it('sheds the heartbeats of new gateways while the queue is full, keeping those already waiting', () => {
    const { heartbeats, recorded } = intake({ maxQueued: 3 });

    for (const id of ['gw-1', 'gw-2', 'gw-3', 'gw-4', 'gw-5']) heartbeats.offer(subject(id), PASSED);
    heartbeats.offer(subject('gw-2'), FAILED);
    heartbeats.stop();

    expect([...recorded.keys()].sort()).toEqual([subject('gw-1'), subject('gw-2'), subject('gw-3')]);
    expect(recorded.get(subject('gw-2'))?.check).toBe('failed');
    expect(heartbeats.counts).toMatchObject({ received: 6, accepted: 3, shed: 3 });
  });

  it('processes at most maxRate a second, every gateway in turn, shedding the rest', async () => {
    const { heartbeats, recorded, balanced } = intake({ maxRate: 100 });
    const gateways = Array.from({ length: 40 }, (_, i) => `gw-${i}`);
    const started = Date.now();

    // 50 rounds of 40 gateways in about half a second: 4,000 a second offered, 100 a second allowed.
    for (let round = 0; round < 50; round += 1) {
      for (const id of gateways) heartbeats.offer(subject(id), PASSED);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const elapsed = (Date.now() - started) / 1000;

    const { accepted, shed, received } = heartbeats.counts;
    expect(received).toBe(2000);
    // The allowance holds a tenth of a second's worth at most, and refills at 100 a second.
    expect(accepted).toBeLessThanOrEqual(Math.ceil(100 * elapsed) + 10);
    expect(shed).toBeGreaterThan(0);
    expect(balanced()).toBe(true);
    // Each gateway waits at most one place in the queue: the oldest waiting are served first.
    expect(new Set([...recorded.keys()]).size).toBe(Math.min(40, accepted));
    heartbeats.stop();
    expect(recorded.size).toBe(40);
  });

  it("drops and counts a heartbeat the tenancy refuses, with the tenancy's reason, before anything else is judged", () => {
    const recorded: string[] = [];
    const replies: object[] = [];
    const seen: [string, string | undefined][] = [];
    const heartbeats = new HeartbeatIntake(
      {
        isRegistered: () => true,
        refusal: (org, requestInfo) => {
          seen.push([org, requestInfo]);
          return requestInfo === 'globex' ? `account 'AGLOBEX' may not act for org '${org}'` : undefined;
        },
        record: (_record, key) => (recorded.push(key), true),
        reply: (_to, body) => replies.push(body),
      },
      { maxQueued: 1000, maxRate: 0, ttlMs: 5000 },
    );

    heartbeats.offer(subject('gw-1'), encode('not json'), '_INBOX.1', 'globex');
    heartbeats.offer(subject('gw-2'), PASSED, undefined, 'acme');
    heartbeats.offer(subject('gw-3'), PASSED);
    heartbeats.stop();

    expect(seen).toEqual([
      ['acme', 'globex'],
      ['acme', 'acme'],
      ['acme', undefined],
    ]);
    expect(recorded).toEqual([subject('gw-2'), subject('gw-3')]);
    expect(heartbeats.counts).toMatchObject({ received: 3, accepted: 2, forbidden: 1, invalid: 0 });
    expect(replies).toEqual([
      { accepted: false, reason: 'forbidden', message: "account 'AGLOBEX' may not act for org 'acme'" },
    ]);
  });

  it('drops and counts invalid and unregistered heartbeats, answering those sent as requests', () => {
    const { heartbeats, recorded, replies, balanced } = intake();

    heartbeats.offer(subject('gw-1'), encode('{"check":"bogus"}'), '_INBOX.1');
    heartbeats.offer(subject('gw-2'), encode('not json'), '_INBOX.2');
    heartbeats.offer(subject('gw-3'), new Uint8Array(70_000).fill(32), '_INBOX.3');
    heartbeats.offer(subject('stranger'), PASSED, '_INBOX.4');
    heartbeats.offer('gwpool.v1.acme.heartbeat.bad id!', PASSED);
    heartbeats.offer(subject('gw-5'), encode('{"check":"passed","__proto__":"x"}'));
    heartbeats.offer(subject('gw-6'), PASSED, '_INBOX.6');
    heartbeats.stop();

    expect([...recorded.keys()]).toEqual([subject('gw-6')]);
    expect(heartbeats.counts).toMatchObject({ received: 7, accepted: 1, invalid: 5, unregistered: 1, shed: 0 });
    expect(balanced()).toBe(true);
    expect(replies.map((r) => [r.subject, (r.body as { reason?: string }).reason ?? 'accepted'])).toEqual([
      ['_INBOX.1', 'invalid'],
      ['_INBOX.2', 'invalid'],
      ['_INBOX.3', 'invalid'],
      ['_INBOX.4', 'unregistered'],
      ['_INBOX.6', 'accepted'],
    ]);
    expect(replies[0]?.body).toEqual({
      accepted: false,
      reason: 'invalid',
      message: `heartbeat of 'gw-1' in org 'acme': invalid request: check must be "passed" or "failed"`,
    });
    expect((replies[2]?.body as { message: string }).message).toMatch(/request body is 70000 bytes, over the limit/);
  });

  it('answers a superseded request that it was shed', () => {
    const { heartbeats, replies } = intake();

    heartbeats.offer(subject('gw-1'), PASSED, '_INBOX.old');
    heartbeats.offer(subject('gw-1'), PASSED, '_INBOX.new');
    heartbeats.stop();

    expect(replies).toEqual([
      {
        subject: '_INBOX.old',
        body: { accepted: false, reason: 'shed', message: expect.stringMatching(/superseded/) },
      },
      { subject: '_INBOX.new', body: { accepted: true } },
    ]);
  });

  describe('under overload (simulated clock: 100 heartbeats a second processed at most, TTL 5 s)', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    /** Each gateway beats once a second for `seconds`; returns the longest gap between its accepted heartbeats. */
    function simulate(fleets: { ids: string[]; from: number; body?: (id: string, second: number) => Uint8Array }[]) {
      const { heartbeats, balanced, accepted } = intake({ maxRate: 100, maxQueued: 100_000, ttlMs: 5000 });
      const start = Date.now();
      for (let second = 0; second < 40; second += 1) {
        // Spread over the second, as independent gateways beat; the intake's turns run in between.
        const beats = fleets
          .filter(({ from }) => second >= from)
          .flatMap(({ ids, body }) =>
            ids.map((id, i) => ({ at: start + second * 1000 + Math.floor((i * 1000) / ids.length), id, body })),
          )
          .sort((a, b) => a.at - b.at);
        for (const { at, id, body } of beats) {
          jest.advanceTimersByTime(at - Date.now());
          heartbeats.offer(subject(id), body?.(id, second) ?? PASSED);
        }
      }
      jest.advanceTimersByTime(start + 40_000 - Date.now());
      const gapOf = (id: string) => {
        const times = accepted.get(id) ?? [];
        let gap = times.length === 0 ? Number.POSITIVE_INFINITY : 0;
        for (let i = 1; i < times.length; i += 1) gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
        return gap;
      };
      return { heartbeats, balanced, accepted, gapOf };
    }

    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

    it('keeps the gateways it kept alive before a burst of newcomers alive, and gives the newcomers what is left', () => {
      const steady = ids('steady', 20);
      const burst = ids('burst', 2000);
      const { heartbeats, balanced, accepted, gapOf } = simulate([
        { ids: steady, from: 0 },
        { ids: burst, from: 10 },
      ]);

      // Served in turn, each of 2,020 gateways would wait 20 s at 100 a second: far past the TTL.
      for (const id of steady) expect(gapOf(id)).toBeLessThanOrEqual(2500);
      const kept = burst.filter((id) => gapOf(id) <= 5000).length;
      // About 100/s × 1.25 s refresh interval, less the steady fleet's share, stay alive continuously.
      expect(kept).toBeGreaterThan(50);
      expect(accepted.size).toBeGreaterThan(steady.length + kept);
      expect(heartbeats.counts.shed).toBeGreaterThan(50_000);
      expect(balanced()).toBe(true);
    });

    it("processes a known gateway's changed check ahead of everything else waiting", () => {
      const failingFrom = 1_000_000 + 20_000;
      const { accepted } = simulate([
        { ids: ids('steady', 20), from: 0 },
        { ids: ids('burst', 2000), from: 5 },
        { ids: ['flaky'], from: 0, body: (_id, second) => (second >= 20 ? FAILED : PASSED) },
      ]);

      // Its first failed heartbeat, read at 20 s, is the one recorded, not a later one.
      expect((accepted.get('flaky') ?? []).find((at) => at >= failingFrom)).toBe(failingFrom);
    });

    it('forgets the standing of gateways silent for three TTLs, so memory follows the live fleet', () => {
      const { heartbeats } = simulate([{ ids: ids('gone', 50), from: 0 }]);
      expect(heartbeats.kept).toBe(50);

      jest.advanceTimersByTime(16_000);
      heartbeats.offer(subject('late'), PASSED);
      jest.advanceTimersByTime(10);

      expect(heartbeats.kept).toBe(1);
    });
  });

  it('keeps no reference to the buffer a heartbeat was read from', () => {
    const { heartbeats, recorded } = intake();
    const buffer = encode('{"check":"failed","detail":"first"}');

    heartbeats.offer(subject('gw-1'), buffer);
    buffer.fill(32);
    heartbeats.stop();

    expect(recorded.get(subject('gw-1'))).toMatchObject({ check: 'failed', detail: 'first' });
  });
});
