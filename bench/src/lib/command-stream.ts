// An open-loop stream of commands from the benchmark's own process (scenario 6): sent on a clock, not after the
// previous reply, so it loads the services the same whatever they answer.
import type { NatsConnection } from '@nats-io/transport-node';
import type { PoolRef } from './fleet.js';

const TICK_MS = 10;
/** A stream the services cannot keep up with stops adding to its backlog here: what it achieved is reported. */
export const MAX_IN_FLIGHT = 32;

export interface StreamResult {
  rate: number;
  errors: number;
  /** Sends skipped because MAX_IN_FLIGHT commands were waiting for their reply. */
  skipped: number;
  firstError?: string;
}

/**
 * `pool.update` at `rate` per second, open loop (sent on a clock, not after the previous reply), round the pools;
 * each sets a new description, so each appends an event. Runs in this process, which measures nothing meanwhile.
 */
export function commandStream(
  nc: NatsConnection,
  pools: readonly PoolRef[],
  rate: number,
): { stop(): Promise<StreamResult> } {
  let due = 0;
  let sent = 0;
  let skipped = 0;
  let errors = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const send = () => {
    const { org, poolId } = pools[sent % pools.length] as PoolRef;
    const body = JSON.stringify({ poolId, description: `bench ${sent}` });
    sent += 1;
    const request = nc
      .request(`gwpool.v1.${org}.cmd.pool.update`, body, { timeout: 5000 })
      .then((reply) => {
        if (reply.headers?.get('Nats-Service-Error-Code')) {
          errors += 1;
          firstError ??= reply.string();
        }
      })
      .catch((error: unknown) => {
        errors += 1;
        firstError ??= String(error);
      });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };
  const timer = setInterval(() => {
    const now = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; due < now; due += 1) {
      if (inFlight.size < MAX_IN_FLIGHT) send();
      else skipped += 1;
    }
  }, TICK_MS);
  return {
    async stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return { rate: sent / seconds, errors, skipped, ...(firstError === undefined ? {} : { firstError }) };
    },
  };
}
