import {
  applyRecorded,
  initialCatalog,
  type OrgCatalog,
  type OrgEvent,
  ORG_STREAM_PREFIX,
  orgFromStreamId,
  type QuarantinedEvent,
} from '@gwpool/domain';
import type { EventLog, EventSubscription, RecordedEvent } from '@gwpool/event-log';
import type { ReadModelStore } from '@gwpool/read-model';
import { Logger } from '@nestjs/common';
import { catalogsFromDocs, PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';

export type CatalogListener = (catalog: OrgCatalog, event: OrgEvent, recorded: RecordedEvent) => void;
export type QuarantineListener = (catalog: OrgCatalog, quarantined: QuarantinedEvent) => void;

const RETRY_MS = 1000;

/**
 * Every org's catalog in memory: loaded from the views' snapshot, then kept current by following the log
 * from the snapshot's checkpoint. Queries read it without a database round trip.
 */
export class CatalogFollower {
  readonly catalogs = new Map<string, OrgCatalog>();
  /** Position of the last event applied. */
  position: string | null = null;
  private readonly logger = new Logger(CatalogFollower.name);
  private readonly listeners: CatalogListener[] = [];
  private readonly quarantineListeners: QuarantineListener[] = [];
  private subscription?: EventSubscription;
  private following?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly log: EventLog,
    private readonly views: ReadModelStore,
    private readonly checkpointName = PROJECTOR_CHECKPOINT,
  ) {}

  onEvent(listener: CatalogListener): void {
    this.listeners.push(listener);
  }

  /** Called for each event quarantined by this process (not for those loaded with the views). */
  onQuarantine(listener: QuarantineListener): void {
    this.quarantineListeners.push(listener);
  }

  get(org: string): OrgCatalog | undefined {
    return this.catalogs.get(org);
  }

  async start(): Promise<void> {
    const snapshot = await this.views.loadSnapshot(this.checkpointName);
    for (const [org, catalog] of catalogsFromDocs(snapshot.docs)) this.catalogs.set(org, catalog);
    this.position = snapshot.position;
    this.following = this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.following;
  }

  /** Every quarantined event of every org, in org order. */
  quarantine(): QuarantinedEvent[] {
    return [...this.catalogs.values()].flatMap((catalog) => [...catalog.quarantined.values()]);
  }

  /**
   * Applies one recorded event; events at or below the catalog's revision were already folded in and change nothing.
   * An event that cannot be applied is quarantined: the org moves past it, marked degraded, and every other org flows.
   */
  apply(recorded: RecordedEvent): void {
    this.position = recorded.position;
    const org = orgFromStreamId(recorded.streamId);
    if (org === undefined) return;
    let catalog = this.catalogs.get(org);
    if (!catalog) this.catalogs.set(org, (catalog = initialCatalog(org)));
    if (recorded.revision <= catalog.revision) return;
    const applied = applyRecorded(catalog, recorded);
    if (applied.quarantined) {
      const q = applied.quarantined;
      this.logger.warn(
        `quarantined event ${q.streamId}@${q.revision} (${q.type}) at position ${q.position}: ${q.error}`,
      );
      for (const listener of this.quarantineListeners) listener(catalog, q);
      return;
    }
    for (const listener of this.listeners) listener(catalog, applied.event, recorded);
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        this.subscription = this.log.subscribeToAll({ after: this.position, streamPrefix: ORG_STREAM_PREFIX });
        for await (const recorded of this.subscription) this.apply(recorded);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`event subscription failed, resuming in ${RETRY_MS} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
