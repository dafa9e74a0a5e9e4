// Request/reply load: `concurrency` workers each keep one request in flight for warmupMs + durationMs.
// The same code drives the raw echo yardstick and the services, so the two differ only in who answers.
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { RECONNECT, serve } from './ipc.js';
import type { RequestLoadConfig, RequestLoadResult, RequestSource } from './protocol.js';

const encoder = new TextEncoder();

type Next = (worker: number) => { subject: string; payload: Uint8Array };

const at = <T>(items: readonly T[], index: number): T => items[index % items.length] as T;

/** What worker `w` sends next: a fixed list cycled through, or commands made up on the fly (unique names, new members). */
function makeSource(source: RequestSource): Next {
  switch (source.kind) {
    case 'list': {
      const items = source.items.map(({ subject, body }) => ({
        subject,
        payload: encoder.encode(JSON.stringify(body)),
      }));
      let i = 0;
      return () => at(items, i++);
    }
    case 'pool.create': {
      let n = 0;
      return (w) => {
        const org = at(source.orgs, w);
        const name = `${source.prefix}-${(n++).toString(36)}`;
        return { subject: `gwpool.v1.${org}.cmd.pool.create`, payload: encoder.encode(JSON.stringify({ name })) };
      };
    }
    case 'pool.member.add': {
      // Each (pool, gateway) pair once per org, so every command appends an event rather than being a no-op.
      const counters = new Map<string, number>();
      return (w) => {
        const org = at(source.orgs, w);
        const k = counters.get(org.org) ?? 0;
        counters.set(org.org, k + 1);
        const poolId = at(org.poolIds, k);
        const gatewayId = at(org.gatewayIds, Math.floor(k / org.poolIds.length));
        return {
          subject: `gwpool.v1.${org.org}.cmd.pool.member.add`,
          payload: encoder.encode(JSON.stringify({ poolId, gatewayId })),
        };
      };
    }
  }
}

/** What kind of failure a request ended in, for the failed counts. */
function failureKind(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const error = cause as { name?: string; message?: string; isNoResponders?: () => boolean };
  if (error.isNoResponders?.()) return 'no responders';
  if (error.name === 'TimeoutError' || (error.name === 'RequestError' && /timeout/i.test(error.message ?? '')))
    return 'timeout';
  return error.name ?? 'error';
}

/** The code of an error reply (`{"error":{"code":…}}`), or the header's status when the body has none. */
function errorCode(body: string, status: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : status;
  } catch {
    return status;
  }
}

serve(async (config: RequestLoadConfig, io): Promise<RequestLoadResult> => {
  const nc = await connect({
    servers: config.natsUrl,
    name: config.name ?? 'bench-load',
    ...RECONNECT,
    // nats.js's own authenticator, as any client would: it signs once, at connect.
    ...(config.credsPath ? { authenticator: credsAuthenticator(readFileSync(config.credsPath)) } : {}),
  });
  const next = makeSource(config.source);
  const timeout = config.timeoutMs ?? 5000;
  io.ready();
  let samples = new Float64Array(1 << 16);
  let count = 0;
  let errors = 0;
  let failures = 0;
  let issued = 0;
  let firstError: string | undefined;
  const failed: Record<string, number> = {};
  const tally = (kind: string) => (failed[kind] = (failed[kind] ?? 0) + 1);
  const replies: string[] = [];
  let ticket = 0;
  const record = (ms: number) => {
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
  const worker = async (w: number) => {
    for (;;) {
      if (config.ratePerSecond) {
        const due = start + (ticket++ * 1000) / config.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const t0 = performance.now();
      if (t0 >= stopAt) return;
      const { subject, payload } = next(w);
      let error: string | undefined;
      try {
        const reply = await nc.request(subject, payload, { timeout });
        const status = reply.headers?.get('Nats-Service-Error-Code');
        if (status) {
          error = reply.string();
          tally(errorCode(error, status));
        } else if (config.keepReplies) replies.push(reply.string());
      } catch (cause) {
        failures += 1;
        tally(failureKind(cause));
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
    ...(firstError === undefined ? {} : { firstError }),
    seconds: config.durationMs / 1000,
    failed,
    ...(config.keepReplies ? { replies } : {}),
  };
});
