import { docsOf, type LiveCatalog, PROJECTOR_CHECKPOINT, type TouchedDoc, touchedBy } from '@gwpool/live-catalog';
import type { ReadModelStore } from '@gwpool/read-model';
import { Logger } from '@nestjs/common';

const FLUSH_DELAY_MS = 20;
const RETRY_MS = 1000;

/**
 * Writes the docs that events touched, batched, with the checkpoint in the same unit of work.
 * Docs are written as the catalog stands at flush time, so a batch is one consistent cut of the log.
 */
export class ViewWriter {
  private dirty = new Map<string, Map<string, TouchedDoc>>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly logger = new Logger(ViewWriter.name);
  flushedPosition: string | null = null;
  eventsApplied = 0;

  constructor(
    private readonly catalog: LiveCatalog,
    private readonly store: ReadModelStore,
  ) {
    catalog.onEvent((state, event) => {
      this.eventsApplied += 1;
      let keys = this.dirty.get(state.org);
      if (!keys) this.dirty.set(state.org, (keys = new Map<string, TouchedDoc>()));
      for (const key of touchedBy(state.org, event))
        keys.set(`${key.collection}:${key.id}`, { ...key, revision: state.revision });
      this.schedule(FLUSH_DELAY_MS);
    });
  }

  get pendingOrgs(): number {
    return this.dirty.size;
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

  private async flush(): Promise<void> {
    const position = this.catalog.position;
    if (this.dirty.size === 0 || position === null) return;
    const dirty = this.dirty;
    this.dirty = new Map();
    const docs = [];
    for (const [org, keys] of dirty) {
      const state = this.catalog.get(org);
      if (state) docs.push(...docsOf(state, keys.values()));
    }
    try {
      await this.store.applyBatch({ docs, checkpoint: { name: PROJECTOR_CHECKPOINT, position } });
      this.flushedPosition = position;
    } catch (error) {
      this.logger.warn(`could not write ${docs.length} view docs, retrying: ${String(error)}`);
      for (const [org, keys] of dirty) {
        const current = this.dirty.get(org) ?? new Map<string, TouchedDoc>();
        for (const [id, key] of keys) if (!current.has(id)) current.set(id, key);
        this.dirty.set(org, current);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }
}
