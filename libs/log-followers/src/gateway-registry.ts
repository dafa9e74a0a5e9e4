import { gatewayIdsFromDocs, type GatewayIdsAtRevision, PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { eventSchemaError } from '@gwpool/domain';
import type { EventLog, RecordedEvent } from '@gwpool/event-log';
import type { ReadModelStore } from '@gwpool/read-model';
import { OrgStreamFollower } from './org-stream-follower.js';

export type AppliedListener = (org: string, recorded: RecordedEvent) => void;

/**
 * Each org's registered gateway ids and bound account, all heartbeat-ingest needs of the catalog to tell a registered
 * gateway's heartbeat from a stranger's, and a heartbeat from the org's own account from another's: loaded from the
 * gateway and org view docs, then fed the gateway and binding events of the log. It keeps the same facts as the
 * catalog's own fold (a spec folds both): an event that breaks its schema changes nothing, as a quarantined event
 * changes nothing in a catalog.
 */
export class GatewayRegistry {
  private readonly orgs = new Map<string, GatewayIdsAtRevision>();
  private readonly listeners: AppliedListener[] = [];
  private readonly follower: OrgStreamFollower;

  constructor(log: EventLog, views: ReadModelStore, checkpointName = PROJECTOR_CHECKPOINT) {
    this.follower = new OrgStreamFollower(
      log,
      views,
      {
        load: (docs) => {
          for (const [org, entry] of gatewayIdsFromDocs(docs)) this.orgs.set(org, entry);
        },
        apply: (org, recorded) => this.applyTo(org, recorded),
      },
      GatewayRegistry.name,
      checkpointName,
    );
  }

  /** Position of the last event applied. */
  get position(): string | null {
    return this.follower.position;
  }

  /** Called for each event the registry moves an org past, gateway event or not (for metrics and logs). */
  onApplied(listener: AppliedListener): void {
    this.listeners.push(listener);
  }

  /** Whether the gateway is registered in the org now. */
  has(org: string, gatewayId: string): boolean {
    return this.orgs.get(org)?.gatewayIds.has(gatewayId) ?? false;
  }

  /** The NATS account the org is bound to, if any. */
  accountOf(org: string): string | undefined {
    return this.orgs.get(org)?.accountPublicKey;
  }

  /** The revision of the org's stream the set stands at; -1 for an org with no event yet. */
  revision(org: string): number {
    return this.orgs.get(org)?.revision ?? -1;
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Applies one recorded event; events at or below the org's revision change nothing. */
  apply(recorded: RecordedEvent): void {
    this.follower.apply(recorded);
  }

  private applyTo(org: string, recorded: RecordedEvent): void {
    let entry = this.orgs.get(org);
    if (!entry) this.orgs.set(org, (entry = { gatewayIds: new Set(), revision: -1 }));
    if (recorded.revision <= entry.revision) return;
    entry.revision = recorded.revision;
    this.fold(entry, recorded);
    for (const listener of this.listeners) listener(org, recorded);
  }

  private fold(entry: GatewayIdsAtRevision, recorded: RecordedEvent): void {
    const { type } = recorded;
    if (type === 'OrgAccountBound') {
      if (eventSchemaError(type, recorded.data) === undefined) {
        entry.accountPublicKey = (recorded.data as { accountPublicKey: string }).accountPublicKey;
      }
      return;
    }
    if (type !== 'GatewayRegistered' && type !== 'GatewayUpdated' && type !== 'GatewayDeregistered') return;
    if (eventSchemaError(type, recorded.data) !== undefined) return;
    // As the catalog folds them: registered or updated, the gateway is known; deregistered, it is gone.
    const { gatewayId } = recorded.data as { gatewayId: string };
    if (type === 'GatewayDeregistered') entry.gatewayIds.delete(gatewayId);
    else entry.gatewayIds.add(gatewayId);
  }
}
