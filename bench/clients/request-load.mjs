// Request/reply load: `concurrency` workers each keep one request in flight for warmupMs + durationMs.
// The same code drives the raw echo yardstick and the services, so the two differ only in who answers.
import { connect } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { serve } from './ipc.mjs';

const encoder = new TextEncoder();

/** What worker `w` sends next: a fixed list cycled through, or commands made up on the fly (unique names, new members). */
function makeSource(config) {
  const { source } = config;
  if (source.kind === 'list') {
    const items = source.items.map(({ subject, body }) => ({ subject, payload: encoder.encode(JSON.stringify(body)) }));
    let i = 0;
    return () => items[i++ % items.length];
  }
  if (source.kind === 'pool.create') {
    let n = 0;
    return (w) => {
      const org = source.orgs[w % source.orgs.length];
      const name = `${source.prefix}-${(n++).toString(36)}`;
      return { subject: `gwpool.v1.${org}.cmd.pool.create`, payload: encoder.encode(JSON.stringify({ name })) };
    };
  }
  if (source.kind === 'pool.member.add') {
    // Each (pool, gateway) pair once per org, so every command appends an event rather than being a no-op.
    const counters = new Map();
    return (w) => {
      const org = source.orgs[w % source.orgs.length];
      const k = counters.get(org.org) ?? 0;
      counters.set(org.org, k + 1);
      const poolId = org.poolIds[k % org.poolIds.length];
      const gatewayId = org.gatewayIds[Math.floor(k / org.poolIds.length) % org.gatewayIds.length];
      return {
        subject: `gwpool.v1.${org.org}.cmd.pool.member.add`,
        payload: encoder.encode(JSON.stringify({ poolId, gatewayId })),
      };
    };
  }
  throw new Error(`unknown source ${source.kind}`);
}

serve(async (config, io) => {
  const nc = await connect({ servers: config.natsUrl, name: config.name ?? 'bench-load' });
  const next = makeSource(config);
  const timeout = config.timeoutMs ?? 5000;
  io.ready();
  let samples = new Float64Array(1 << 16);
  let count = 0;
  let errors = 0;
  let failures = 0;
  let issued = 0;
  let firstError;
  const record = (ms) => {
    if (count === samples.length) {
      const grown = new Float64Array(samples.length * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[count++] = ms;
  };
  const start = performance.now();
  const measureFrom = start + config.warmupMs;
  const stopAt = measureFrom + config.durationMs;
  const worker = async (w) => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= stopAt) return;
      const { subject, payload } = next(w);
      let error;
      try {
        const reply = await nc.request(subject, payload, { timeout });
        if (reply.headers?.get('Nats-Service-Error-Code')) error = reply.string();
      } catch (cause) {
        failures += 1;
        error = String(cause);
        // A failed request (timeout, no responders) returns at once; do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const t1 = performance.now();
      issued += 1;
      if (t0 >= measureFrom && t1 <= stopAt) {
        record(t1 - t0);
        if (error !== undefined) {
          errors += 1;
          firstError ??= error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, (_, w) => worker(w)));
  await nc.close();
  return {
    samples: samples.slice(0, count),
    completed: count,
    issued,
    errors,
    failures,
    firstError,
    seconds: config.durationMs / 1000,
  };
});
