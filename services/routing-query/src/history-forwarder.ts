import { historySubject, isWireError, timeTravelInstant } from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { EventLogUnavailableError } from '@gwpool/event-log';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RoutingView } from './routing-view.js';

const TIMEOUT_MS = 10_000;

/**
 * Time travel (`at` on pool.get and pool.list) is answered from the log by the projector: routing-query checks the
 * request and the org's current entitlement here, then passes it on and relays the answer, so history is never read
 * on the event loop that serves route.pick.
 */
export class HistoryForwarder {
  constructor(
    private readonly nc: NatsConnection,
    private readonly view: RoutingView,
  ) {}

  async ask(org: string, query: 'pool-get' | 'pool-list', body: { poolId?: string; at: string }): Promise<unknown> {
    timeTravelInstant(body.at, Date.now());
    this.view.poolsOf(org);
    let reply: unknown;
    try {
      const msg = await this.nc.request(historySubject(org, query), JSON.stringify(body), { timeout: TIMEOUT_MS });
      reply = msg.json<unknown>();
    } catch (error) {
      throw new EventLogUnavailableError(`the history of org '${org}' could not be read: ${String(error)}`);
    }
    const error = (reply as { error?: unknown } | null)?.error;
    if (isWireError(error)) {
      if (error.code === 'UNAVAILABLE') throw new EventLogUnavailableError(error.message);
      if (error.code === 'INTERNAL') throw new Error(`the projector failed to read history: ${error.message}`);
      throw new DomainError(error.code, error.message, error.details);
    }
    return reply;
  }
}
