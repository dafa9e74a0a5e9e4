import { healthSubject, type PoolHealthUpdate } from '@gwpool/contracts';
import { type LiveCatalog, type LivenessView, poolSummary } from '@gwpool/live-catalog';
import type { NatsConnection } from '@nats-io/transport-node';

const TICK_MS = 200;

/**
 * Publishes each change of a pool's health for dashboards. It rescans on a short tick rather than
 * per event: TTL expiry has no event, and a replay of a long log must not flood subscribers.
 */
export class HealthPublisher {
  private readonly last = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  published = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: LiveCatalog,
    private readonly liveness: LivenessView,
    private readonly ttlMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  tick(now = Date.now()): void {
    const seen = new Set<string>();
    for (const [org, catalog] of this.catalog.catalogs) {
      const lookup = (gatewayId: string) => this.liveness.get(org, gatewayId);
      for (const pool of catalog.pools.values()) {
        const key = `${org}\u0000${pool.poolId}`;
        seen.add(key);
        const { name, status, healthy, total } = poolSummary(pool, lookup, now, this.ttlMs);
        const signature = `${status}|${healthy}|${total}|${name}`;
        if (this.last.get(key) === signature) continue;
        this.last.set(key, signature);
        const update: PoolHealthUpdate = { poolId: pool.poolId, name, status, healthy, total, at: new Date(now).toISOString() };
        this.nc.publish(healthSubject(org, pool.poolId), JSON.stringify(update));
        this.published += 1;
      }
    }
    for (const key of this.last.keys()) if (!seen.has(key)) this.last.delete(key);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
