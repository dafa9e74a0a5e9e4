// Measures, end to end, how soon route.pick stops returning a gateway whose check failed or that fell silent.
// Two pools of two members each: in `fail` the first member reports a failed check, in `silence` it stops beating.
// Each probe gateway otherwise beats every beatEveryMs; trials repeat until durationMs has passed.
import { connect } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { serve } from '@gwpool/load-clients';
import type { DetectionProbeConfig, DetectionProbeResult, ProbePool } from './protocol.js';

const encoder = new TextEncoder();
const PASSED = encoder.encode('{"check":"passed"}');
const FAILED = encoder.encode('{"check":"failed"}');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

serve(async (config: DetectionProbeConfig, io): Promise<DetectionProbeResult> => {
  const nc = await connect({ servers: config.natsUrl, name: 'bench-probe' });
  const { org, pollMs, picks, confirmMs, ttlMs } = config;
  let beats = 0;
  const paused = new Set<string>();
  const beat = (gatewayId: string, payload = PASSED) => {
    nc.publish(`gwpool.v1.${org}.heartbeat.${gatewayId}`, payload);
    beats += 1;
    return performance.now();
  };
  const gateways = [config.fail.a, config.fail.b, config.silence.a, config.silence.b];
  const beater = setInterval(() => {
    for (const g of gateways) if (!paused.has(g)) beat(g);
  }, config.beatEveryMs);
  for (const g of gateways) beat(g);
  io.answer('sent', () => beats);
  io.ready();

  const pickBody = (poolId: string) => encoder.encode(JSON.stringify({ poolId }));
  /** One poll: `picks` route.pick at once; whether any named the gateway, and when the last reply came. */
  async function poll(pool: ProbePool) {
    const body = pickBody(pool.poolId);
    const replies = await Promise.allSettled(
      Array.from({ length: picks }, () => nc.request(`gwpool.v1.${org}.query.route.pick`, body, { timeout: 2000 })),
    );
    let present = false;
    let answered = 0;
    for (const r of replies) {
      if (r.status !== 'fulfilled') continue;
      answered += 1;
      const reply = r.value.json<{ gatewayId?: string }>();
      if (reply.gatewayId === pool.a) present = true;
    }
    return { present, answered, at: performance.now() };
  }

  /** Time of the first poll of a run of polls without the gateway that lasts confirmMs (a random pick can miss it). */
  async function untilAbsent(pool: ProbePool, deadline: number): Promise<number | undefined> {
    let streak: number | undefined;
    while (performance.now() < deadline) {
      const started = performance.now();
      const { present, answered, at } = await poll(pool);
      if (answered === 0) streak = undefined;
      else if (present) streak = undefined;
      else {
        streak ??= at;
        if (at - streak >= confirmMs) return streak;
      }
      await sleep(Math.max(0, pollMs - (performance.now() - started)));
    }
    return undefined;
  }

  async function untilPresent(pool: ProbePool, deadline: number): Promise<boolean> {
    while (performance.now() < deadline) {
      if ((await poll(pool)).present) return true;
      await sleep(pollMs);
    }
    return false;
  }

  const results = { failed: [] as number[], silence: [] as number[], stuck: 0 };
  const end = performance.now() + config.durationMs;

  /** Waits until the pool routes through its gateway again, pauses a random moment, then takes over its beats. */
  async function startTrial(pool: ProbePool): Promise<boolean> {
    if (!(await untilPresent(pool, performance.now() + 15_000))) {
      results.stuck += 1;
      return false;
    }
    await sleep(200 + Math.random() * 300);
    paused.add(pool.a);
    return true;
  }

  async function failTrials() {
    const pool = config.fail;
    while (performance.now() < end) {
      if (!(await startTrial(pool))) continue;
      const sentAt = beat(pool.a, FAILED);
      const gone = await untilAbsent(pool, sentAt + 10_000);
      if (gone === undefined) results.stuck += 1;
      else results.failed.push(gone - sentAt);
      paused.delete(pool.a);
      beat(pool.a);
    }
  }

  async function silenceTrials() {
    const pool = config.silence;
    while (performance.now() < end) {
      if (!(await startTrial(pool))) continue;
      // The last heartbeat: from here the gateway is silent, and its TTL runs out ttlMs later.
      const expiresAt = beat(pool.a) + ttlMs;
      // Polling the whole TTL would only add query load; starting a little early still catches an early exclusion.
      await sleep(Math.max(0, expiresAt - 300 - performance.now()));
      const gone = await untilAbsent(pool, expiresAt + 10_000);
      if (gone === undefined) results.stuck += 1;
      else results.silence.push(gone - expiresAt);
      paused.delete(pool.a);
      beat(pool.a);
    }
  }

  await Promise.all([failTrials(), silenceTrials()]);
  clearInterval(beater);
  await nc.flush();
  await nc.close();
  return {
    failed: Float64Array.from(results.failed),
    silence: Float64Array.from(results.silence),
    stuck: results.stuck,
    beats,
  };
});
