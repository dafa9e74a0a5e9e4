import { isRecord, isToken } from '@gwpool/domain';
import { docsOf, PROJECTOR_CHECKPOINT, type TouchedDoc, touchedBy } from '@gwpool/catalog-docs';
import type { CatalogFollower } from '@gwpool/log-followers';
import { ReadModelUnavailableError, type ViewDoc, type ReadModelStore } from '@gwpool/read-model';
import { Logger } from '@nestjs/common';

const FLUSH_DELAY_MS = 20;
const RETRY_MS = 1000;

/** Docs come from schema-checked events, so this never fails; it keeps a bug from reaching the store. */
const isWritable = (doc: ViewDoc): boolean =>
  isToken(doc.org) && isToken(doc.id) && Number.isSafeInteger(doc.revision) && isRecord(doc.body);

/**
 * Writes the docs that events touched, batched, with the checkpoint in the same unit of work.
 * Docs are written as the catalog stands at flush time, so a batch is one consistent cut of the log.
 * Only an unavailable store is retried; a batch the store refuses for its data is written org by org, so one org's
 * docs can never hold back the others' or the checkpoint.
 */
export class ViewWriter {
  private dirty = new Map<string, Map<string, TouchedDoc>>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly logger = new Logger(ViewWriter.name);
  flushedPosition: string | null = null;
  eventsApplied = 0;
  eventsQuarantined = 0;

  constructor(
    private readonly catalog: CatalogFollower,
    private readonly store: ReadModelStore,
  ) {
    catalog.onEvent((state, event, recorded) => {
      this.eventsApplied += 1;
      const keys = this.keysOf(state.org);
      for (const key of touchedBy(state.org, event))
        keys.set(`${key.collection}:${key.id}`, { ...key, revision: recorded.revision });
      this.schedule(FLUSH_DELAY_MS);
    });
    // The org doc, which always goes along, carries the quarantine.
    catalog.onQuarantine((state) => {
      this.eventsQuarantined += 1;
      this.keysOf(state.org);
      this.schedule(FLUSH_DELAY_MS);
    });
  }

  get pendingOrgs(): number {
    return this.dirty.size;
  }

  private keysOf(org: string): Map<string, TouchedDoc> {
    let keys = this.dirty.get(org);
    if (!keys) this.dirty.set(org, (keys = new Map<string, TouchedDoc>()));
    return keys;
  }

  private schedule(delay: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.dirty.size > 0) this.schedule(FLUSH_DELAY_MS);
      });
    }, delay);
  }

  private docsOf(org: string, keys: Map<string, TouchedDoc>): ViewDoc[] {
    const state = this.catalog.at(org);
    if (!state) return [];
    const docs = docsOf(state, keys.values());
    const writable = docs.filter(isWritable);
    if (writable.length < docs.length)
      this.logger.error(`dropped ${docs.length - writable.length} malformed view docs of an org`);
    return writable;
  }

  private async flush(): Promise<void> {
    const position = this.catalog.position;
    if (this.dirty.size === 0 || position === null) return;
    const dirty = this.dirty;
    this.dirty = new Map();
    const checkpoint = { name: PROJECTOR_CHECKPOINT, position };
    try {
      await this.store.applyBatch({ docs: [...dirty].flatMap(([org, keys]) => this.docsOf(org, keys)), checkpoint });
      this.flushedPosition = position;
    } catch (error) {
      if (error instanceof ReadModelUnavailableError) return this.retryLater(dirty, error);
      this.logger.error(`the read model refused a batch of view docs, writing org by org: ${String(error)}`);
      for (const [org, keys] of dirty) {
        try {
          await this.store.applyBatch({ docs: this.docsOf(org, keys), checkpoint });
        } catch (orgError) {
          if (orgError instanceof ReadModelUnavailableError) return this.retryLater(dirty, orgError);
          this.logger.error(`dropped the view docs of org '${org}' at position ${position}: ${String(orgError)}`);
        }
      }
      try {
        await this.store.applyBatch({ docs: [], checkpoint });
        this.flushedPosition = position;
      } catch (checkpointError) {
        if (checkpointError instanceof ReadModelUnavailableError) return this.retryLater(dirty, checkpointError);
        this.logger.error(`could not store the checkpoint ${position}: ${String(checkpointError)}`);
      }
    }
  }

  /** Puts the docs back for the next flush, which writes them as the catalog then stands. */
  private async retryLater(dirty: Map<string, Map<string, TouchedDoc>>, error: unknown): Promise<void> {
    this.logger.warn(`the read model is unavailable, retrying in ${RETRY_MS} ms: ${String(error)}`);
    for (const [org, keys] of dirty) {
      const current = this.keysOf(org);
      for (const [id, key] of keys) if (!current.has(id)) current.set(id, key);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }
}
