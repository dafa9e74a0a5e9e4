import { isLivenessFact, LIVENESS_FACTS_SUBJECT, type LivenessFact } from '@gwpool/contracts';
import {
  dampCheck,
  type DampedLiveness,
  type DampingPolicy,
  type GatewayLiveness,
  isHealthy,
  type Liveness,
  type LoadReport,
  NO_DAMPING,
} from '@gwpool/domain';
import type { ReadModelStore } from '@gwpool/read-model';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

export type LivenessListener = (facts: readonly LivenessFact[]) => void;

/** How checks are damped; every service that judges health must use the same policy and TTL. */
export interface LivenessOptions {
  readonly ttlMs: number;
  readonly damping?: DampingPolicy;
}

/**
 * The last heartbeat of every gateway, in memory: loaded from the read model, then fed by heartbeat-ingest's facts.
 * With damping, each fact's check is folded with `dampCheck`, so what `get` returns is the damped health; a stored
 * record is taken as it is (a restart forgets a count under way). The last reported load is kept beside it.
 */
export class LivenessView {
  private readonly byOrg = new Map<string, Map<string, DampedLiveness>>();
  private readonly loads = new Map<string, Map<string, LoadReport>>();
  /** By org: moves whenever a fact may have changed some gateway's health (see `healthVersion`). */
  private readonly versions = new Map<string, number>();
  private readonly listeners: LivenessListener[] = [];
  private readonly logger = new Logger(LivenessView.name);
  private subscription?: Subscription;

  private readonly damping: DampingPolicy;

  constructor(
    private readonly nc: NatsConnection,
    private readonly views: ReadModelStore,
    private readonly options: LivenessOptions,
  ) {
    this.damping = options.damping ?? NO_DAMPING;
  }

  onFacts(listener: LivenessListener): void {
    this.listeners.push(listener);
  }

  get(org: string, gatewayId: string): Liveness | undefined {
    return this.byOrg.get(org)?.get(gatewayId);
  }

  /**
   * A number that moves whenever a fact may have changed the health of one of the org's gateways: one that
   * fails it, revives it or is its first. A passed heartbeat of a gateway still healthy only pushes its expiry
   * later and leaves the number alone, so routing may keep what it derived from health until some heartbeat runs
   * out. It never goes back.
   */
  healthVersion(org: string): number {
    return this.versions.get(org) ?? 0;
  }

  /** The last load the gateway reported, with the receive time of that heartbeat. */
  load(org: string, gatewayId: string): LoadReport | undefined {
    return this.loads.get(org)?.get(gatewayId);
  }

  /** The last heartbeat of every gateway of the org heard from, as data. */
  ofOrg(org: string): GatewayLiveness[] {
    return [...(this.byOrg.get(org) ?? [])].map(([gatewayId, { at, check }]) => ({ gatewayId, at, check }));
  }

  /** Subscribes before loading so nothing falls between; merging keeps the newest either way. */
  async start(): Promise<void> {
    this.subscription = this.nc.subscribe(LIVENESS_FACTS_SUBJECT, {
      callback: (error, msg) => {
        if (error) return this.logger.warn(String(error));
        try {
          const facts = msg.json<{ facts?: unknown }>().facts;
          const valid = Array.isArray(facts) ? facts.filter(isLivenessFact) : [];
          if (valid.length < (Array.isArray(facts) ? facts.length : 1))
            this.logger.warn('ignoring malformed liveness facts');
          this.merge(valid);
        } catch (cause) {
          this.logger.warn(`ignoring malformed liveness facts: ${String(cause)}`);
        }
      },
    });
    const records = await this.views.loadLiveness();
    this.merge(records.map(({ org, gatewayId, at, check }) => ({ org, gatewayId, at, check })).filter(isLivenessFact));
  }

  merge(facts: readonly LivenessFact[], now = Date.now()): void {
    const { ttlMs } = this.options;
    for (const fact of facts) {
      let gateways = this.byOrg.get(fact.org);
      if (!gateways) this.byOrg.set(fact.org, (gateways = new Map<string, DampedLiveness>()));
      const before = gateways.get(fact.gatewayId);
      const after = dampCheck(before, fact.check, fact.at, ttlMs, this.damping);
      if (after !== before) {
        gateways.set(fact.gatewayId, after);
        if (mayChangeHealth(before, after, now, ttlMs)) this.versions.set(fact.org, this.healthVersion(fact.org) + 1);
      }
      // Built field by field: a spread of a parsed object cost 20 times as much, at every fact that carries a load.
      const { load } = fact;
      if (load !== undefined) {
        const { activeConnections, capacity } = load;
        const report =
          capacity === undefined ? { activeConnections, at: fact.at } : { activeConnections, capacity, at: fact.at };
        this.keepLoad(fact.org, fact.gatewayId, report);
      }
    }
    for (const listener of this.listeners) listener(facts);
  }

  private keepLoad(org: string, gatewayId: string, load: LoadReport): void {
    let gateways = this.loads.get(org);
    if (!gateways) this.loads.set(org, (gateways = new Map<string, LoadReport>()));
    const current = gateways.get(gatewayId);
    if (current === undefined || current.at <= load.at) gateways.set(gatewayId, load);
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}

/**
 * False only when the gateway is healthy now and stays so at least as long as before: a newer, not failed check.
 * Health is `now < at + ttl` with a check that did not fail, so such a fact changes it at no moment from now on
 * before the old expiry, and anything derived from the old facts holds until then.
 */
function mayChangeHealth(before: Liveness | undefined, after: Liveness, now: number, ttlMs: number): boolean {
  return !(before !== undefined && isHealthy(before, now, ttlMs) && after.check !== 'failed' && after.at >= before.at);
}
