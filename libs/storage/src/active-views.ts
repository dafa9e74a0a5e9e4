import { VIEWS_SWAPPED_SUBJECT } from '@gwpool/contracts';
import {
  activeViews,
  type LivenessRecord,
  type ReadModelStore,
  type ViewBatch,
  type ViewCollection,
  type ViewDoc,
  type ViewSnapshot,
  type ViewsPointer,
  type WriterLease,
} from '@gwpool/read-model';
import { Logger } from '@nestjs/common';

/** How long a store handle left behind by a swap stays open for the work already under way on it. */
const RETIRE_AFTER_MS = 10_000;

export type SwitchListener = (pointer: ViewsPointer, previous: ViewsPointer) => void;

/** What `followSwaps` needs of a NATS connection; structural, so this lib names no NATS client. */
export interface SwapNotices {
  subscribe(subject: string, options: { callback: (error: unknown, msg: unknown) => void }): unknown;
}

/**
 * The read model a service uses: the generation of views the pointer in the base namespace names, moved to the next
 * one when a rebuild swaps (`refresh`). Every call goes to the active generation as it is when the call is made, except
 * the pointer's, which live in the base. So loads and liveness writes after a swap reach the new views, and a restart
 * after a swap opens them at once.
 */
export class ActiveViews implements ReadModelStore {
  private readonly listeners: SwitchListener[] = [];
  private readonly retired = new Set<ReadModelStore>();
  private refreshing: Promise<boolean> = Promise.resolve(false);
  private closed = false;
  private readonly logger = new Logger('Views');

  private constructor(
    private readonly base: ReadModelStore,
    readonly baseNamespace: string,
    private readonly open: (namespace: string) => Promise<ReadModelStore>,
    private current: ReadModelStore,
    private active: ViewsPointer,
  ) {}

  /** Opens the base namespace, then the generation its pointer names (the base itself when there is none). */
  static async open(baseNamespace: string, open: (namespace: string) => Promise<ReadModelStore>): Promise<ActiveViews> {
    const base = await open(baseNamespace);
    try {
      const pointer = activeViews(baseNamespace, await base.readViewsPointer());
      const current = pointer.namespace === baseNamespace ? base : await open(pointer.namespace);
      const views = new ActiveViews(base, baseNamespace, open, current, pointer);
      views.logger.log(`reading the views in '${pointer.namespace}'`);
      return views;
    } catch (error) {
      await base.close();
      throw error;
    }
  }

  /** The generation in use. */
  get pointer(): ViewsPointer {
    return this.active;
  }

  /** Called after each switch to another generation. */
  onSwitch(listener: SwitchListener): void {
    this.listeners.push(listener);
  }

  /** Refreshes on every swap notice; a notice only prompts a read of the stored pointer. */
  followSwaps(nc: SwapNotices): void {
    nc.subscribe(VIEWS_SWAPPED_SUBJECT, {
      callback: () =>
        void this.refresh().catch((error: unknown) =>
          this.logger.warn(`could not follow a views swap: ${String(error)}`),
        ),
    });
  }

  /** Reads the pointer and switches when it names another generation; true when it switched. One at a time. */
  refresh(): Promise<boolean> {
    this.refreshing = this.refreshing.catch(() => false).then(() => this.switchToStored());
    return this.refreshing;
  }

  private async switchToStored(): Promise<boolean> {
    if (this.closed) return false;
    const pointer = activeViews(this.baseNamespace, await this.base.readViewsPointer());
    if (pointer.namespace === this.active.namespace) return false;
    const next = pointer.namespace === this.baseNamespace ? this.base : await this.open(pointer.namespace);
    const previous = this.active;
    this.retire(this.current);
    this.current = next;
    this.active = pointer;
    this.logger.log(`now on the views in '${pointer.namespace}' (generation ${pointer.generation})`);
    for (const listener of this.listeners) listener(pointer, previous);
    return true;
  }

  private retire(store: ReadModelStore): void {
    if (store === this.base) return;
    this.retired.add(store);
    const timer = setTimeout(() => {
      this.retired.delete(store);
      void store.close().catch(() => undefined);
    }, RETIRE_AFTER_MS);
    timer.unref();
  }

  /** A lease taken while a swap happened belongs to the generation left behind: given back, and none is taken. */
  async tryAcquireWriterLease(name: string, holder: string): Promise<WriterLease | null> {
    const target = this.current;
    const lease = await target.tryAcquireWriterLease(name, holder);
    if (lease !== null && target !== this.current) {
      await lease.release();
      return null;
    }
    return lease;
  }

  applyBatch(batch: ViewBatch): Promise<void> {
    return this.current.applyBatch(batch);
  }

  loadSnapshot(checkpointName: string): Promise<ViewSnapshot> {
    return this.current.loadSnapshot(checkpointName);
  }

  readCheckpoint(name: string): Promise<string | null> {
    return this.current.readCheckpoint(name);
  }

  getDoc(collection: ViewCollection, org: string, id: string): Promise<ViewDoc | null> {
    return this.current.getDoc(collection, org, id);
  }

  listDocs(collection: ViewCollection, org: string): Promise<ViewDoc[]> {
    return this.current.listDocs(collection, org);
  }

  recordLiveness(records: readonly LivenessRecord[]): Promise<void> {
    return this.current.recordLiveness(records);
  }

  loadLiveness(filter?: { org: string; gatewayIds?: readonly string[] }): Promise<LivenessRecord[]> {
    return this.current.loadLiveness(filter);
  }

  readViewsPointer(): Promise<ViewsPointer | null> {
    return this.base.readViewsPointer();
  }

  writeViewsPointer(pointer: ViewsPointer): Promise<void> {
    return this.base.writeViewsPointer(pointer);
  }

  /** Empties the active generation only. */
  reset(): Promise<void> {
    return this.current.reset();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.refreshing.catch(() => undefined);
    const stores = new Set([this.current, this.base, ...this.retired]);
    this.retired.clear();
    await Promise.all([...stores].map((store) => store.close()));
  }
}
