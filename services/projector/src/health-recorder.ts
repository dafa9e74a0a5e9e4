import {
  beatTransitions,
  evolveHealth,
  type HealthEvent,
  type HealthHistory,
  healthStreamId,
  healthTransitions,
  recordedHealthy,
} from '@gwpool/domain';
import { type EventLog, type EventMetadata, WrongExpectedRevisionError } from '@gwpool/event-log';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

interface OrgHealth {
  history: HealthHistory;
  /** Revision of the org's health stream the history stands at; -1 when the stream does not exist. */
  revision: number;
}

interface Deregistration {
  at: number;
  correlationId: string;
  causationId: string;
}

/** A lost race re-reads the stream and decides again; past this many, the next sweep tries again. */
const MAX_ATTEMPTS = 5;

/**
 * Records each gateway's health transitions in its org's health stream (`gwpool-health-{org}`), once each: it
 * appends with the stream's expected revision, and a writer that lost a race reads what the other wrote and decides
 * again, so several writers, or a restarted one, never record a transition twice. What the projector publishes on
 * `gwpool.v1.{org}.health.{poolId}` is folded from this history, so the two never disagree.
 */
export class HealthRecorder {
  private readonly orgs = new Map<string, OrgHealth>();
  private readonly deregistrations = new Map<string, Deregistration>();
  private readonly logger = new Logger(HealthRecorder.name);
  /** Transitions this process appended. */
  recorded = 0;

  constructor(
    private readonly log: EventLog,
    private readonly catalog: CatalogFollower,
    private readonly liveness: LivenessView,
    private readonly ttlMs: number,
  ) {
    catalog.onEvent((state, event, recorded) => {
      const key = `${state.org}\u0000${'gatewayId' in event.data ? event.data.gatewayId : ''}`;
      if (event.type === 'GatewayDeregistered') {
        const { correlationId } = recorded.metadata;
        this.deregistrations.set(key, {
          at: Date.parse(recorded.metadata.occurredAt),
          correlationId,
          causationId: recorded.id,
        });
      } else if (event.type === 'GatewayRegistered') this.deregistrations.delete(key);
    });
  }

  /** The gateway's health as its org's history last recorded it. */
  healthy(org: string, gatewayId: string): boolean {
    const entry = this.orgs.get(org);
    return entry !== undefined && recordedHealthy(entry.history, gatewayId);
  }

  /** Forgets what it read, so the next sweep reads every org's stream again (another writer may have appended). */
  forget(): void {
    this.orgs.clear();
  }

  /** Reads the health stream of every org the catalog knows, a few at a time. */
  async load(): Promise<void> {
    const orgs = [...this.catalog.catalogs()].map((catalog) => catalog.org);
    for (let i = 0; i < orgs.length; i += 8) await Promise.all(orgs.slice(i, i + 8).map((org) => this.entry(org)));
  }

  /** Records the transitions of these orgs as of `now`; an org whose append fails is tried again next time. */
  async record(orgs: Iterable<string>, now: number): Promise<void> {
    await this.eachOrg(orgs, (org) => this.recordOrg(org, now, (entry) => this.transitions(org, entry, now)));
  }

  /**
   * Records what the gateways that just beat changed, by org, as of `now`. Only those gateways are judged: at ten
   * times the design load a batch of heartbeats touches a hundred orgs, and judging each whole org per batch held
   * the projector and its database for seconds. Expiries and deregistrations wait for the next full round.
   */
  async recordBeats(beating: ReadonlyMap<string, readonly string[]>, now: number): Promise<void> {
    await this.eachOrg(beating.keys(), (org) =>
      this.recordOrg(org, now, (entry) => this.beatTransitions(org, entry, beating.get(org) ?? [], now)),
    );
  }

  /**
   * One org after another: recording several at once competed with heartbeat-ingest for the database and the CPU
   * (at the design load, its backlog grew), and gained nothing the health stream needed.
   */
  private async eachOrg(orgs: Iterable<string>, work: (org: string) => Promise<void>): Promise<void> {
    for (const org of orgs) {
      try {
        await work(org);
      } catch (error) {
        this.logger.warn(`could not record the health transitions of org '${org}': ${String(error)}`);
      }
    }
  }

  private async recordOrg(org: string, now: number, decide: (entry: OrgHealth) => HealthEvent[]): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const entry = await this.entry(org);
      const events = decide(entry);
      if (events.length === 0) return;
      try {
        const expected = entry.revision < 0 ? 'no_stream' : entry.revision;
        const result = await this.log.append(
          healthStreamId(org),
          events.map((e) => this.toNew(org, e, now)),
          expected,
        );
        for (const event of events) evolveHealth(entry.history, event);
        entry.revision = result.nextRevision;
        this.recorded += events.length;
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        await this.catchUp(org, entry);
      }
    }
  }

  private transitions(org: string, entry: OrgHealth, now: number): HealthEvent[] {
    const catalog = this.catalog.get(org);
    return healthTransitions(entry.history, {
      registered: catalog ? catalog.gateways.keys() : [],
      liveness: (gatewayId) => this.liveness.get(org, gatewayId),
      deregisteredAt: (gatewayId) => this.deregistrations.get(`${org}\u0000${gatewayId}`)?.at,
      now,
      ttlMs: this.ttlMs,
    });
  }

  private beatTransitions(org: string, entry: OrgHealth, beating: readonly string[], now: number): HealthEvent[] {
    const catalog = this.catalog.get(org);
    return beatTransitions(
      entry.history,
      {
        isRegistered: (gatewayId) => catalog?.gateways.has(gatewayId) ?? false,
        liveness: (gatewayId) => this.liveness.get(org, gatewayId),
        now,
        ttlMs: this.ttlMs,
      },
      beating,
    );
  }

  private toNew(org: string, event: HealthEvent, now: number) {
    const deregistration =
      event.type === 'GatewayBecameUnhealthy' && event.data.reason === 'deregistered'
        ? this.deregistrations.get(`${org}\u0000${event.data.gatewayId}`)
        : undefined;
    const id = randomUUID();
    const metadata: EventMetadata = {
      correlationId: deregistration?.correlationId ?? id,
      causationId: deregistration?.causationId ?? id,
      occurredAt: new Date(now).toISOString(),
    };
    return { id, type: event.type, data: event.data, metadata };
  }

  private async entry(org: string): Promise<OrgHealth> {
    let entry = this.orgs.get(org);
    if (entry) return entry;
    entry = { history: new Map(), revision: -1 };
    await this.catchUp(org, entry);
    // Another call may have loaded it meanwhile: keep the first, both read the same stream.
    const loaded = this.orgs.get(org);
    if (loaded) return loaded;
    this.orgs.set(org, entry);
    return entry;
  }

  private async catchUp(org: string, entry: OrgHealth): Promise<void> {
    for (const recorded of await this.log.readStream(healthStreamId(org), { fromRevision: entry.revision + 1 })) {
      evolveHealth(entry.history, recorded);
      entry.revision = recorded.revision;
    }
  }
}
