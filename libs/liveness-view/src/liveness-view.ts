import { isLivenessFact, LIVENESS_FACTS_SUBJECT, type LivenessFact } from '@gwpool/contracts';
import { type GatewayLiveness, type Liveness, newerLiveness } from '@gwpool/domain';
import type { ReadModelStore } from '@gwpool/read-model';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

export type LivenessListener = (facts: readonly LivenessFact[]) => void;

/** The last heartbeat of every gateway, in memory: loaded from the read model, then fed by heartbeat-ingest's facts. */
export class LivenessView {
  private readonly byOrg = new Map<string, Map<string, Liveness>>();
  private readonly listeners: LivenessListener[] = [];
  private readonly logger = new Logger(LivenessView.name);
  private subscription?: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    private readonly views: ReadModelStore,
  ) {}

  onFacts(listener: LivenessListener): void {
    this.listeners.push(listener);
  }

  get(org: string, gatewayId: string): Liveness | undefined {
    return this.byOrg.get(org)?.get(gatewayId);
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

  merge(facts: readonly LivenessFact[]): void {
    for (const fact of facts) {
      let gateways = this.byOrg.get(fact.org);
      if (!gateways) this.byOrg.set(fact.org, (gateways = new Map<string, Liveness>()));
      gateways.set(fact.gatewayId, newerLiveness(gateways.get(fact.gatewayId), { at: fact.at, check: fact.check }));
    }
    for (const listener of this.listeners) listener(facts);
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
