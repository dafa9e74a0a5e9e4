import { alertSubject, type PoolAlertMessage } from '@gwpool/contracts';
import {
  type AlertState,
  initialAlertState,
  newPoolAlertState,
  nextAlertAt,
  observePoolHealth,
  type PoolAlert,
  type PoolStatus,
  tickPoolAlerts,
} from '@gwpool/domain';
import type { AlertMetrics } from '@gwpool/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

const TICK_MS = 500;

interface Watched {
  org: string;
  poolId: string;
  name: string;
  state: AlertState;
}

export interface HealthSample {
  status: PoolStatus;
  healthy: number;
  total: number;
}

/**
 * Alerts on a pool's health transitions (`gwpool.v1.{org}.alert.{poolId}`), at most one per pool and kind per
 * cooldown, never one per sweep: the health publisher hands over each change, the domain's `observePoolHealth`
 * decides, and a timer sends what a cooldown deferred. Pools present at the first sweep take their first status
 * as the baseline; a pool that appears later says nothing until it is first green. Only the projector holding the
 * writer lease sends (`active`); one that takes the lease over starts again from a baseline (`reset`), so it repeats
 * nothing the previous writer sent, at the price of an alert that writer had deferred.
 */
export class AlertPublisher {
  private readonly pools = new Map<string, Watched>();
  private readonly logger = new Logger(AlertPublisher.name);
  private timer?: NodeJS.Timeout;
  private firstSweepDone = false;
  sent = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly cooldownMs: number,
    private readonly active: () => boolean = () => true,
    private readonly metrics?: AlertMetrics,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** One changed sample of a pool's health. */
  sample(key: string, org: string, pool: { poolId: string; name: string }, sample: HealthSample, now: number): void {
    let watched = this.pools.get(key);
    if (watched === undefined) {
      const state = this.firstSweepDone ? newPoolAlertState() : initialAlertState();
      watched = { org, poolId: pool.poolId, name: pool.name, state };
      this.pools.set(key, watched);
    }
    watched.name = pool.name;
    const step = observePoolHealth(watched.state, { ...sample, now }, this.cooldownMs);
    watched.state = step.state;
    if (step.alert) this.send(watched, step.alert);
  }

  /** Forgets every pool: the next sweep is a baseline again. */
  reset(): void {
    this.pools.clear();
    this.firstSweepDone = false;
  }

  /** Called after each full sweep with the pools it saw: the others are gone. */
  sweepDone(seen: ReadonlySet<string>): void {
    this.firstSweepDone = true;
    for (const key of this.pools.keys()) if (!seen.has(key)) this.pools.delete(key);
  }

  tick(now = Date.now()): void {
    for (const watched of this.pools.values()) {
      const due = nextAlertAt(watched.state, this.cooldownMs);
      if (due === undefined || due > now) continue;
      const step = tickPoolAlerts(watched.state, now, this.cooldownMs);
      watched.state = step.state;
      if (step.alert) this.send(watched, step.alert);
    }
  }

  private send(watched: Watched, alert: PoolAlert): void {
    if (!this.active()) return;
    const message: PoolAlertMessage = {
      poolId: watched.poolId,
      name: watched.name,
      kind: alert.kind,
      status: alert.status,
      healthy: alert.healthy,
      total: alert.total,
      at: new Date(alert.at).toISOString(),
    };
    this.nc.publish(alertSubject(watched.org, watched.poolId), JSON.stringify(message));
    this.sent += 1;
    this.metrics?.sent(alert.kind);
    this.logger.log(`alert ${alert.kind} for pool '${watched.name}' of org '${watched.org}': ${alert.status}`);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
