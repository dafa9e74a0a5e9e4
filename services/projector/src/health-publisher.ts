import { healthSubject, type LivenessFact, type PoolHealthUpdate } from '@gwpool/contracts';
import { type PoolState, poolSummary } from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';
import type { NatsConnection } from '@nats-io/transport-node';

const TICK_MS = 200;

/**
 * Publishes each change of a pool's health for dashboards. Heartbeat facts are checked as they arrive,
 * so a short flap is not lost between ticks; the tick catches TTL expiry, which has no event, and catalog
 * changes, so that a replay of a long log does not flood subscribers.
 */
export class HealthPublisher {
  private readonly last = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  published = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: CatalogFollower,
    private readonly liveness: LivenessView,
    private readonly ttlMs: number,
  ) {}

  start(): void {
    this.liveness.onFacts((facts) => this.checkGateways(facts));
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  tick(now = Date.now()): void {
    const seen = new Set<string>();
    for (const catalog of this.catalog.catalogs()) {
      for (const pool of catalog.pools.values()) seen.add(this.check(catalog.org, pool, now));
    }
    for (const key of this.last.keys()) if (!seen.has(key)) this.last.delete(key);
  }

  /** Only the pools of the gateways that just beat. */
  checkGateways(facts: readonly LivenessFact[], now = Date.now()): void {
    const done = new Set<string>();
    for (const { org, gatewayId } of facts) {
      const catalog = this.catalog.get(org);
      for (const poolId of catalog?.gateways.get(gatewayId)?.pools ?? []) {
        const pool = catalog?.pools.get(poolId);
        const key = `${org}\u0000${poolId}`;
        if (pool === undefined || done.has(key)) continue;
        done.add(key);
        this.check(org, pool, now);
      }
    }
  }

  private check(org: string, pool: PoolState, now: number): string {
    const key = `${org}\u0000${pool.poolId}`;
    const { name, status, healthy, total } = poolSummary(pool, (id) => this.liveness.get(org, id), now, this.ttlMs);
    const signature = `${status}|${healthy}|${total}|${name}`;
    if (this.last.get(key) === signature) return key;
    this.last.set(key, signature);
    const update: PoolHealthUpdate = {
      poolId: pool.poolId,
      name,
      status,
      healthy,
      total,
      at: new Date(now).toISOString(),
    };
    this.nc.publish(healthSubject(org, pool.poolId), JSON.stringify(update));
    this.published += 1;
    return key;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
