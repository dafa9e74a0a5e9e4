import {
  CORRELATION_HEADER,
  healthSubject,
  type LivenessFact,
  type PoolHealthUpdate,
  TRACEPARENT_HEADER,
} from '@gwpool/contracts';
import { type PoolState, poolSummaryFrom } from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';
import { type LogScope, runInLogScope } from '@gwpool/observability';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import type { AlertPublisher } from './alert-publisher.js';
import type { HealthRecorder } from './health-recorder.js';

const TICK_MS = 200;
/** After a full sweep that took d ms, the next waits at least this many times d. */
const SWEEP_SPACING = 3;

type Published = Pick<PoolHealthUpdate, 'name' | 'status' | 'healthy' | 'total'> & { org: string };

/** The request behind the last event that touched a pool: a health change it causes is published in its name. */
interface Cause {
  correlationId?: string;
  traceparent?: string;
}

const causeOf = (metadata: { correlationId?: unknown; traceparent?: unknown }): Cause => ({
  ...(typeof metadata.correlationId === 'string' ? { correlationId: metadata.correlationId } : {}),
  ...(typeof metadata.traceparent === 'string' ? { traceparent: metadata.traceparent } : {}),
});

/**
 * Records health transitions, then publishes each change of a pool's health for dashboards, folded from the recorded
 * history so the two never disagree. Heartbeat facts are checked as they arrive, so a short flap is not lost between
 * ticks; the tick catches TTL expiry, which has no heartbeat, and catalog changes, so that a replay of a long log does
 * not flood subscribers. One round runs at a time; facts that come meanwhile wait for the next. A change that follows a command's event carries
 * its correlation id and traceparent (headers, and the log line); heartbeat-driven changes carry none.
 * Only while active (the projector holding the writer lease): a standby publishes nothing, and on taking over it
 * publishes every pool once, as a projector does when it starts, so no change made during the handover is lost; it
 * also reads the health histories again, since the previous writer appended to them.
 */
export class HealthPublisher {
  private readonly last = new Map<string, Published>();
  private readonly causes = new Map<string, Cause>();
  private readonly logger = new Logger(HealthPublisher.name);
  private timer?: NodeJS.Timeout;
  private active = false;
  private pendingFacts: LivenessFact[] = [];
  private fullRoundDue = false;
  /** No full sweep before this (performance.now()). */
  private nextSweepAt = 0;
  private running?: Promise<void>;
  published = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: CatalogFollower,
    private readonly liveness: LivenessView,
    private readonly recorder: HealthRecorder,
    /** Whether the catalog follows the log live: events replayed at start cause no publication of their own. */
    private readonly live: () => boolean = () => true,
    /** Told of each change and each full sweep, to alert on transitions. */
    private readonly alerts?: AlertPublisher,
  ) {}

  start(): void {
    this.liveness.onFacts((facts) => {
      this.pendingFacts.push(...facts);
      this.kick();
    });
    this.catalog.onEvent((state, event, recorded) => {
      const poolId = (event.data as { poolId?: unknown }).poolId;
      if (typeof poolId === 'string' && this.live())
        this.causes.set(`${state.org}\u0000${poolId}`, causeOf(recorded.metadata));
    });
    this.timer = setInterval(() => {
      if (performance.now() < this.nextSweepAt) return;
      this.fullRoundDue = true;
      this.kick();
    }, TICK_MS);
  }

  /** Health transitions this process recorded. */
  get transitionsRecorded(): number {
    return this.recorder.recorded;
  }

  /** Waits for the round in progress, if any. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.fullRoundDue || this.pendingFacts.length > 0) {
      const full = this.fullRoundDue;
      const facts = this.pendingFacts;
      this.fullRoundDue = false;
      this.pendingFacts = [];
      const started = performance.now();
      try {
        await (full ? this.tick() : this.checkGateways(facts));
        // A sweep of a large catalog takes a while: the next waits three times as long, so sweeps never hold more
        // than a quarter of the event loop (a replay, a rebuild and the queries share it).
        if (full) this.nextSweepAt = performance.now() + SWEEP_SPACING * (performance.now() - started);
      } catch (error) {
        this.logger.error(`a health round failed: ${String(error)}`);
      }
    }
  }

  /** Each pool's health as last published (for the per-org gauges). */
  current(): Iterable<Published> {
    return this.last.values();
  }

  setActive(active: boolean): void {
    if (active && !this.active) {
      this.last.clear();
      this.recorder.forget();
    }
    this.active = active;
    if (active) {
      this.fullRoundDue = true;
      this.kick();
    }
  }

  async tick(now = Date.now()): Promise<void> {
    // While the log is replayed the catalog is not yet what it is now: nothing to record or publish of it.
    if (!this.active || !this.live()) return;
    await this.recorder.record(
      [...this.catalog.catalogs()].map((catalog) => catalog.org),
      now,
    );
    // The lease may have gone while the transitions were being appended.
    if (!this.active) return;
    const seen = new Set<string>();
    for (const catalog of this.catalog.catalogs()) {
      for (const pool of catalog.pools.values()) seen.add(this.check(catalog.org, pool, now));
    }
    for (const key of this.last.keys()) if (!seen.has(key)) this.last.delete(key);
    for (const key of this.causes.keys()) if (!seen.has(key)) this.causes.delete(key);
    this.alerts?.sweepDone(seen);
  }

  /** Only the orgs and pools of the gateways that just beat. */
  async checkGateways(facts: readonly LivenessFact[], now = Date.now()): Promise<void> {
    // The first sweep once caught up covers every gateway.
    if (!this.active || !this.live()) return;
    const beating = new Map<string, string[]>();
    for (const { org, gatewayId } of facts) {
      const ids = beating.get(org);
      if (ids) ids.push(gatewayId);
      else beating.set(org, [gatewayId]);
    }
    await this.recorder.recordBeats(beating, now);
    if (!this.active) return;
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
    // A cause is spent by the first check after its event, whether or not the health changed.
    const cause = this.causes.get(key);
    if (cause) this.causes.delete(key);
    const { name, status, healthy, total } = poolSummaryFrom(pool, (id) => this.recorder.healthy(org, id));
    const previous = this.last.get(key);
    if (
      previous?.status === status &&
      previous.healthy === healthy &&
      previous.total === total &&
      previous.name === name
    )
      return key;
    this.last.set(key, { org, name, status, healthy, total });
    this.alerts?.sample(key, org, pool, { status, healthy, total }, now);
    const update: PoolHealthUpdate = {
      poolId: pool.poolId,
      name,
      status,
      healthy,
      total,
      at: new Date(now).toISOString(),
    };
    this.publish(org, update, cause);
    return key;
  }

  private publish(org: string, update: PoolHealthUpdate, cause: Cause | undefined): void {
    const subject = healthSubject(org, update.poolId);
    const line = `published health of pool '${update.name}' (${update.poolId}): ${update.status} ${update.healthy}/${update.total}`;
    if (!cause?.correlationId) {
      this.nc.publish(subject, JSON.stringify(update));
      if (Logger.isLevelEnabled('debug')) runInLogScope({ org }, () => this.logger.debug(line));
    } else {
      const h = headers();
      h.set(CORRELATION_HEADER, cause.correlationId);
      if (cause.traceparent) h.set(TRACEPARENT_HEADER, cause.traceparent);
      this.nc.publish(subject, JSON.stringify(update), { headers: h });
      const scope: LogScope = { org, ...cause };
      runInLogScope(scope, () => this.logger.log(line));
    }
    this.published += 1;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.settled();
  }
}
