// Over 200 lines: one rebuild from start to swap. Its steps share the rebuild's own catalog, writer and lease, and
// each step's failure must undo what the ones before did (resume the live writer, give the lease back).
import { PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { rebuildProgressSubject, type RebuildProgress, type RebuildStarted } from '@gwpool/contracts';
import { DomainError, ORG_STREAM_PREFIX } from '@gwpool/domain';
import type { EventLog } from '@gwpool/event-log';
import { CatalogFollower } from '@gwpool/log-followers';
import { nextGeneration, type ReadModelStore, type ViewsPointer, type WriterLease } from '@gwpool/read-model';
import type { ActiveViews } from '@gwpool/storage';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ViewWriter } from '../view-writer.js';
import { hasCaughtUp, progressReport } from './rebuild-progress.js';

const REPORT_EVERY_MS = 500;
/** How often the events appended since the start are counted again (a short read near the head of the log). */
const COUNT_EVERY_MS = 2000;
const POLL_MS = 20;
/** How long the live writer may stand paused while the rebuild writes its last events; then the swap is given up. */
const SWAP_CATCH_UP_MS = 60_000;
/** Counted once per report: enough for any log this runs on, and still one bounded query. */
const COUNT_LIMIT = 1_000_000_000;

/** What a rebuild works with: the live projection of this process, which it must catch up with and then hand over. */
export interface RebuildDeps {
  log: EventLog;
  views: ActiveViews;
  openStore(namespace: string): Promise<ReadModelStore>;
  live: { catalog: CatalogFollower; writer: ViewWriter };
  publish(subject: string, body: RebuildProgress): void;
  /** Tells every service to read the views pointer again. */
  announceSwap(pointer: ViewsPointer, position: string | null): void;
  holder: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One rebuild of every view: the whole log folded again into the next generation's namespace, by the same fold and
 * writer as the live projection (a CatalogFollower and a ViewWriter of their own, from an empty snapshot). When the new
 * views have caught up with the live ones, the live writer writes what it has and pauses; the rebuild catches up with
 * that final position, the liveness records are copied over (they do not come from the log), the pointer is flipped,
 * and every service is told to move to the new views. The previous namespace is left as it was, for the operator.
 */
export class ProjectionRebuild {
  readonly id = randomUUID();
  readonly started: RebuildStarted;
  private readonly logger = new Logger(ProjectionRebuild.name);
  private readonly startedAt = performance.now();
  private state: RebuildProgress['state'] = 'replaying';
  /** Events to fold, as last counted: those up to the live position at the start, plus those appended since. */
  private total = 0;
  /** The live position when the rebuild started, and how many events there were up to it. */
  private head: string | null = null;
  private upToHead = 0;
  private countedAt = 0;
  private counting = false;
  /** Set once the pointer names the new views: from then on the live writer must not write the old ones again. */
  private committed = false;
  private catalog?: CatalogFollower;
  private writer?: ViewWriter;
  private store?: ReadModelStore;
  private lease?: WriterLease;
  /** Resolves when the rebuild has ended, swapped or failed. */
  readonly done: Promise<RebuildProgress>;

  private constructor(
    private readonly deps: RebuildDeps,
    private readonly target: ViewsPointer,
    private readonly previous: ViewsPointer,
  ) {
    this.started = {
      rebuildId: this.id,
      namespace: target.namespace,
      generation: target.generation,
      previousNamespace: previous.namespace,
      progressSubject: rebuildProgressSubject(this.id),
    };
    this.done = this.run();
  }

  /** Starts a rebuild into the generation after the active one; refused when the name would not fit. */
  static start(deps: RebuildDeps): ProjectionRebuild {
    const previous = deps.views.pointer;
    let target: ViewsPointer;
    try {
      target = nextGeneration(deps.views.baseNamespace, previous);
    } catch (error) {
      throw new DomainError('CONFLICT', error instanceof Error ? error.message : String(error));
    }
    return new ProjectionRebuild(deps, target, previous);
  }

  private async run(): Promise<RebuildProgress> {
    const reporter = setInterval(() => void this.report(), REPORT_EVERY_MS);
    try {
      await this.replay();
      this.state = 'swapping';
      this.publish(this.progress());
      const position = await this.swap();
      this.state = 'done';
      const done = { ...this.progress(), position };
      this.logger.log(
        `rebuilt the views into '${this.target.namespace}' from ${done.eventsReplayed} events in ${done.seconds} s ` +
          `(${done.eventsPerSecond} events/s); readers moved from '${this.previous.namespace}', which is left in place`,
      );
      return this.publish(done);
    } catch (error) {
      this.state = 'failed';
      if (!this.committed) this.deps.live.writer.resume();
      await this.stopRebuildWriter().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        `the rebuild into '${this.target.namespace}' failed; readers stay on the live views: ${message}`,
      );
      const code = error instanceof DomainError ? error.code : 'UNAVAILABLE';
      return this.publish({ ...this.progress(), error: { code, message } });
    } finally {
      clearInterval(reporter);
      await this.store?.close().catch(() => undefined);
    }
  }

  /** Folds the log from its beginning into the emptied namespace until it stands where the live views stand. */
  private async replay(): Promise<void> {
    const { deps } = this;
    this.store = await deps.openStore(this.target.namespace);
    const lease = await this.store.tryAcquireWriterLease(PROJECTOR_CHECKPOINT, `${deps.holder}:rebuild`);
    if (lease === null) throw new DomainError('CONFLICT', `another process writes into '${this.target.namespace}'`);
    this.lease = lease;
    // Left behind by a rebuild that failed halfway, perhaps: never the active generation (see nextGeneration).
    await this.store.reset();
    // The whole log is counted once (on KurrentDB that is a read of it); later only what was appended since.
    this.head = deps.live.catalog.position;
    const [all, afterHead] = await Promise.all([this.count(null), this.head === null ? 0 : this.count(this.head)]);
    this.upToHead = Math.max(0, (all ?? 0) - (afterHead ?? 0));
    this.total = all ?? 0;
    this.countedAt = performance.now();
    this.catalog = new CatalogFollower(deps.log, this.store);
    this.writer = new ViewWriter(this.catalog, this.store, deps.log);
    await this.catalog.start();
    await this.writer.activate(lease);
    // A first report at once: the caller sees the size of the work before the first tick.
    this.publish(this.progress());
    const compare = (a: string, b: string) => deps.log.comparePositions(a, b);
    while (!hasCaughtUp(compare, this.writer.flushedPosition, deps.live.catalog.position)) {
      if (!this.writer.active) throw new Error(`lost the writer lease of '${this.target.namespace}'`);
      await sleep(POLL_MS);
    }
  }

  /** Hands the live writer's views over to the new ones; the position the new views stand at when swapped. */
  private async swap(): Promise<string | null> {
    const { deps } = this;
    const writer = this.writer as ViewWriter;
    if (!deps.live.writer.active)
      throw new Error('this projector lost the writer lease during the rebuild; start the rebuild again');
    const final = await deps.live.writer.pause();
    const compare = (a: string, b: string) => deps.log.comparePositions(a, b);
    const deadline = performance.now() + SWAP_CATCH_UP_MS;
    while (!hasCaughtUp(compare, writer.flushedPosition, final)) {
      if (!writer.active) throw new Error(`lost the writer lease of '${this.target.namespace}'`);
      if (performance.now() > deadline)
        throw new Error(`the new views did not reach ${final} within ${SWAP_CATCH_UP_MS / 1000} s of the pause`);
      await sleep(POLL_MS);
    }
    await this.stopRebuildWriter();
    const position = writer.flushedPosition;
    const store = this.store as ReadModelStore;
    // Liveness is not in the log: the newest record of each gateway goes along, and heartbeats keep it current.
    await store.recordLiveness(await deps.views.loadLiveness());
    // Another writer of the live views would have written past `final`: what it wrote would be missing here.
    if (!deps.live.writer.active) throw new Error('this projector lost the writer lease while swapping');
    await deps.views.writeViewsPointer(this.target);
    this.committed = true;
    // This process moves at once (the writer takes the new namespace's lease); the others on the notice.
    await this.refreshUntilMoved();
    deps.announceSwap(this.target, position);
    return position;
  }

  /** The pointer is written: this process must follow it, or nobody would write the views. */
  private async refreshUntilMoved(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.views.refresh();
        if (this.deps.views.pointer.namespace === this.target.namespace) return;
      } catch (error) {
        if (attempt % 10 === 1) this.logger.warn(`cannot move to the rebuilt views yet, retrying: ${String(error)}`);
      }
      await sleep(250);
    }
  }

  private async stopRebuildWriter(): Promise<void> {
    await this.catalog?.stop();
    await this.writer?.stop();
    this.writer?.deactivate();
    await this.lease?.release();
  }

  private async report(): Promise<void> {
    if (this.state !== 'replaying') return;
    const now = performance.now();
    if (!this.counting && now - this.countedAt >= COUNT_EVERY_MS) {
      this.counting = true;
      this.countedAt = now;
      const appended = this.head === null ? await this.count(null) : await this.count(this.head);
      this.counting = false;
      if (appended !== undefined) this.total = this.upToHead + appended;
    }
    if (this.state === 'replaying') this.publish(this.progress());
  }

  private replayed(): number {
    return this.writer ? this.writer.eventsApplied + this.writer.eventsQuarantined : 0;
  }

  /** Events of the org streams after `position`; undefined when the log cannot say now. */
  private async count(position: string | null): Promise<number | undefined> {
    try {
      const lag = await this.deps.log.measureLag(position, { streamPrefix: ORG_STREAM_PREFIX, limit: COUNT_LIMIT });
      return lag.events;
    } catch {
      return undefined;
    }
  }

  private progress(): RebuildProgress {
    return progressReport({
      rebuildId: this.id,
      state: this.state,
      namespace: this.target.namespace,
      previousNamespace: this.previous.namespace,
      generation: this.target.generation,
      replayed: this.replayed(),
      remaining: this.state === 'replaying' ? this.total - this.replayed() : 0,
      elapsedMs: performance.now() - this.startedAt,
    });
  }

  private publish(progress: RebuildProgress): RebuildProgress {
    try {
      this.deps.publish(this.started.progressSubject, progress);
    } catch (error) {
      this.logger.warn(`could not publish the rebuild's progress: ${String(error)}`);
    }
    return progress;
  }
}
