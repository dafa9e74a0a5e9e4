import type { PoolDetails, PoolSummary } from '@gwpool/contracts';
import {
  catalogAt,
  DomainError,
  healthAt,
  healthStreamId,
  orgStreamId,
  poolDetailsAt,
  poolSummaryAt,
} from '@gwpool/domain';
import type { EventLog } from '@gwpool/event-log';

/**
 * Time travel: an org's pools as of a past instant, folded from the log (the org's stream up to then, and the health
 * transitions that had happened by then). It reads the org's two streams whole, so it costs what the org's history
 * costs; it runs in the projector, never on routing-query's event loop.
 */
export class HistoryReader {
  constructor(private readonly log: EventLog) {}

  private async stateAt(org: string, at: number) {
    const [events, transitions] = await Promise.all([
      this.log.readStream(orgStreamId(org)),
      this.log.readStream(healthStreamId(org)),
    ]);
    return { ...catalogAt(org, events, at), history: healthAt(transitions, at) };
  }

  /** Every pool that existed at `at`, by name; none before the org's first event. */
  async pools(org: string, at: number): Promise<{ pools: PoolSummary[]; at: string }> {
    const { catalog, history } = await this.stateAt(org, at);
    const pools = [...catalog.pools.values()]
      .map((pool) => poolSummaryAt(pool, history))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { pools, at: new Date(at).toISOString() };
  }

  /** One pool as it stood at `at`; NOT_FOUND when it did not exist then. */
  async pool(org: string, poolId: string, at: number): Promise<PoolDetails & { at: string }> {
    const { catalog, history } = await this.stateAt(org, at);
    const pool = catalog.pools.get(poolId);
    const when = new Date(at).toISOString();
    if (!pool)
      throw new DomainError('NOT_FOUND', `pool '${poolId}' did not exist in org '${org}' at ${when}`, { poolId });
    return { ...poolDetailsAt(catalog, pool, history), at: when };
  }
}
