// Over 200 lines: the writer's two modes (active, standby) share one record of what is dirty, and splitting them
// would spread the rule that decides what a takeover still has to write over two files.
import { docsOf, PROJECTOR_CHECKPOINT, type TouchedDoc, touchedBy } from '@gwpool/catalog-docs';
import { isRecord, isToken } from '@gwpool/domain';
import type { EventLog } from '@gwpool/event-log';
import type { CatalogFollower } from '@gwpool/log-followers';
import {
  LeaseLostError,
  ReadModelUnavailableError,
  type ReadModelStore,
  type ViewDoc,
  type WriterLease,
} from '@gwpool/read-model';
import { Logger } from '@nestjs/common';

const FLUSH_DELAY_MS = 20;
const RETRY_MS = 1000;
/** How often a standby forgets what the active writer has stored. */
const PRUNE_MS = 1000;
const CATCH_UP_POLL_MS = 20;

/** Docs come from schema-checked events, so this never fails; it keeps a bug from reaching the store. */
const isWritable = (doc: ViewDoc): boolean =>
  isToken(doc.org) && isToken(doc.id) && Number.isSafeInteger(doc.revision) && isRecord(doc.body);

/** A doc to write and the log position of the last event that touched it. */
type DirtyDoc = TouchedDoc & { position: string };
/** An org whose org doc (which always goes along) and touched docs are to be written; `position`: its latest event. */
interface DirtyOrg {
  position: string;
  docs: Map<string, DirtyDoc>;
}

/**
 * Writes the docs that events touched, batched, with the checkpoint in the same unit of work, fenced with the writer
 * lease's token. Docs are written as the catalog stands at flush time, so a batch is one consistent cut of the log.
 * Only an unavailable store is retried; a batch the store refuses for its data is written org by org, so one org's
 * docs can never hold back the others' or the checkpoint.
 *
 * A standby (no lease) writes nothing but keeps the same record of dirty docs, with the position that touched each,
 * and drops whatever the active writer has stored (at or before its checkpoint). On takeover it waits until it has
 * applied the log up to the stored checkpoint, so the checkpoint never moves back, and writes what is left.
 */
export class ViewWriter {
  private dirty = new Map<string, DirtyOrg>();
  private timer?: NodeJS.Timeout;
  private pruner?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private lease?: WriterLease;
  private paused = false;
  private readonly logger = new Logger(ViewWriter.name);
  flushedPosition: string | null = null;
  /** The checkpoint the active writer had stored when this standby last looked. */
  seenStoredPosition: string | null = null;
  eventsApplied = 0;
  eventsQuarantined = 0;
  /** Called when a batch was refused because another writer holds the lease now. */
  onLeaseLost: () => void = () => undefined;

  constructor(
    private readonly catalog: CatalogFollower,
    private readonly store: ReadModelStore,
    private readonly log: Pick<EventLog, 'comparePositions'>,
  ) {
    catalog.onEvent((state, event, recorded) => {
      this.eventsApplied += 1;
      const org = this.orgOf(state.org, recorded.position);
      for (const key of touchedBy(state.org, event))
        org.docs.set(`${key.collection}:${key.id}`, {
          ...key,
          revision: recorded.revision,
          position: recorded.position,
        });
      this.schedule(FLUSH_DELAY_MS);
    });
    // The org doc, which always goes along, carries the quarantine.
    catalog.onQuarantine((state, quarantined) => {
      this.eventsQuarantined += 1;
      this.orgOf(state.org, quarantined.position);
      this.schedule(FLUSH_DELAY_MS);
    });
  }

  get active(): boolean {
    return this.lease !== undefined;
  }

  get pendingOrgs(): number {
    return this.dirty.size;
  }

  /** Standing by: keeps track of what is dirty and drops what the active writer has stored. */
  startStandby(): void {
    this.pruner ??= setInterval(() => void this.pruneToStored(), PRUNE_MS);
  }

  /**
   * Becomes the writer under `lease`: waits until the catalog has reached the stored checkpoint, drops what is stored
   * at or before it, and writes the rest. Throws when the store cannot be read; gives up when the lease ends.
   */
  async activate(lease: WriterLease): Promise<void> {
    let ended = false;
    void lease.ended.then(() => (ended = true));
    const stored = await this.store.readCheckpoint(PROJECTOR_CHECKPOINT);
    while (stored !== null && !this.reached(stored)) {
      if (ended) throw new Error('the writer lease ended while catching up with the stored checkpoint');
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
    }
    if (ended) throw new Error('the writer lease ended before the views could be written');
    this.prune(stored);
    this.flushedPosition = stored;
    this.paused = false;
    this.lease = lease;
    void lease.ended.then(() => {
      if (this.lease === lease) this.deactivate();
    });
    this.schedule(0);
  }

  /**
   * Writes what is dirty, then nothing more until `resume()` or a new lease: the views stand still at the position
   * returned (what a rebuild must reach before readers are swapped over to it). Dirty docs are still recorded.
   */
  async pause(): Promise<string | null> {
    this.paused = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
    return this.flushedPosition;
  }

  resume(): void {
    this.paused = false;
    this.schedule(0);
  }

  /** Stops writing at once; a batch under way is fenced by the store if another writer has taken over. */
  deactivate(): void {
    this.paused = false;
    this.lease = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private reached(position: string): boolean {
    return this.catalog.position !== null && this.log.comparePositions(this.catalog.position, position) >= 0;
  }

  private async pruneToStored(): Promise<void> {
    if (this.active) return;
    try {
      const stored = await this.store.readCheckpoint(PROJECTOR_CHECKPOINT);
      this.seenStoredPosition = stored;
      this.prune(stored);
    } catch {
      // The next round will do; a takeover reads it again anyway.
    }
  }

  /** Forgets the docs whose last change is at or before `stored`: the writer that stored it wrote them. */
  private prune(stored: string | null): void {
    if (stored === null) return;
    const written = (position: string) => this.log.comparePositions(position, stored) <= 0;
    for (const [org, dirty] of this.dirty) {
      if (written(dirty.position)) this.dirty.delete(org);
      else for (const [id, doc] of dirty.docs) if (written(doc.position)) dirty.docs.delete(id);
    }
  }

  private orgOf(org: string, position: string): DirtyOrg {
    let dirty = this.dirty.get(org);
    if (!dirty) this.dirty.set(org, (dirty = { position, docs: new Map() }));
    dirty.position = position;
    return dirty;
  }

  private schedule(delay: number): void {
    if (!this.lease || this.paused || this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.dirty.size > 0) this.schedule(FLUSH_DELAY_MS);
      });
    }, delay);
  }

  private docsOf(org: string, dirty: DirtyOrg): ViewDoc[] {
    const state = this.catalog.at(org);
    if (!state) return [];
    const docs = docsOf(state, dirty.docs.values());
    const writable = docs.filter(isWritable);
    if (writable.length < docs.length)
      this.logger.error(`dropped ${docs.length - writable.length} malformed view docs of an org`);
    return writable;
  }

  private async flush(): Promise<void> {
    const lease = this.lease;
    const position = this.catalog.position;
    if (!lease || this.dirty.size === 0 || position === null) return;
    const dirty = this.dirty;
    this.dirty = new Map();
    const batch = (docs: ViewDoc[]) => ({
      docs,
      checkpoint: { name: PROJECTOR_CHECKPOINT, position },
      fence: lease.token,
    });
    try {
      await this.store.applyBatch(batch([...dirty].flatMap(([org, keys]) => this.docsOf(org, keys))));
      this.flushedPosition = position;
    } catch (error) {
      if (error instanceof ReadModelUnavailableError || error instanceof LeaseLostError)
        return this.putBack(dirty, error);
      this.logger.error(`the read model refused a batch of view docs, writing org by org: ${String(error)}`);
      for (const [org, keys] of dirty) {
        try {
          await this.store.applyBatch(batch(this.docsOf(org, keys)));
        } catch (orgError) {
          if (orgError instanceof ReadModelUnavailableError || orgError instanceof LeaseLostError)
            return this.putBack(dirty, orgError);
          this.logger.error(`dropped the view docs of org '${org}' at position ${position}: ${String(orgError)}`);
        }
      }
      try {
        await this.store.applyBatch(batch([]));
        this.flushedPosition = position;
      } catch (checkpointError) {
        if (checkpointError instanceof ReadModelUnavailableError || checkpointError instanceof LeaseLostError)
          return this.putBack(dirty, checkpointError);
        this.logger.error(`could not store the checkpoint ${position}: ${String(checkpointError)}`);
      }
    }
  }

  /**
   * Puts the docs back for a later flush, which writes them as the catalog then stands: after a pause when the store
   * is unavailable, or by whoever writes next when another writer has taken the lease over.
   */
  private async putBack(dirty: Map<string, DirtyOrg>, error: unknown): Promise<void> {
    for (const [org, entry] of dirty) {
      const current = this.dirty.get(org);
      if (!current) {
        this.dirty.set(org, entry);
        continue;
      }
      for (const [id, doc] of entry.docs) if (!current.docs.has(id)) current.docs.set(id, doc);
    }
    if (error instanceof LeaseLostError) {
      this.logger.warn(`${error.message}; standing by`);
      this.deactivate();
      this.onLeaseLost();
      return;
    }
    this.logger.warn(`the read model is unavailable, retrying in ${RETRY_MS} ms: ${String(error)}`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }

  /** Writes what is left when this instance is the writer; a standby has nothing to write. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearInterval(this.pruner);
    await this.flushing;
    await this.flush();
  }
}
