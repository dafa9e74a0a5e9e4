import type { HeartbeatMetrics } from '@gwpool/observability';
import { type LivenessRecord, type ReadModelStore, ReadModelUnavailableError } from '@gwpool/read-model';
import { Logger } from '@nestjs/common';

const MAX_BATCH = 5000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * Stores liveness for restarts and for pool-command, apart from the path that publishes it: records wait here, newest
 * per gateway, for one writer. When the read model is unavailable nothing is lost: the batch goes back (a newer record
 * of a gateway wins over it) and is retried with backoff, 250 ms doubling to 5 s, until the store is back. One warning
 * when an outage starts, one summary when it ends. A batch the store refuses for its data is stored record by record,
 * so one bad record never drops the others. At most one record per gateway waits, so memory stays bounded.
 */
export class LivenessWriter {
  private waiting = new Map<string, LivenessRecord>();
  private writing?: Promise<void>;
  private inFlight = 0;
  private outage?: { since: number; attempts: number };
  private stopping = false;
  private readonly logger = new Logger(LivenessWriter.name);
  /** Writes that failed because the store was unavailable, and were retried. */
  storeRetries = 0;
  /** Batches of which some records were refused for their data (those records are lost, the rest stored). */
  persistFailures = 0;

  constructor(
    private readonly store: ReadModelStore,
    private readonly metrics?: Pick<HeartbeatMetrics, 'storeFailed'>,
  ) {}

  /** Records waiting to be stored, or being stored. */
  get unstored(): number {
    return this.waiting.size + this.inFlight;
  }

  /** Records by a key naming their gateway (the recorder's: its heartbeat subject). */
  add(records: ReadonlyMap<string, LivenessRecord>): void {
    for (const [key, record] of records) this.keep(key, record);
    this.kick();
  }

  /** Resolves once everything added so far is stored (or refused for its data). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Stores what is waiting, giving up after `graceMs` when the store stays unavailable; says what was not stored. */
  async stop(graceMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const outcome = await Promise.race([this.idle(), late]);
    clearTimeout(timer);
    this.stopping = true;
    if (outcome === 'late' && this.unstored > 0)
      this.logger.warn(`stopping with ${this.unstored} liveness records not stored: the read model is unavailable`);
  }

  private keep(key: string, record: LivenessRecord): void {
    const current = this.waiting.get(key);
    if (!current || current.at <= record.at) this.waiting.set(key, record);
  }

  private kick(): void {
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
      if (this.waiting.size > 0 && !this.stopping) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.size > 0 && !this.stopping) {
      const batch = new Map<string, LivenessRecord>();
      for (const [key, record] of this.waiting) {
        this.waiting.delete(key);
        batch.set(key, record);
        if (batch.size >= MAX_BATCH) break;
      }
      this.inFlight = batch.size;
      try {
        await this.write([...batch.values()]);
        this.recovered();
      } catch (error) {
        // Only an unavailable store gets here: put the batch back, newer records of the same gateways winning.
        for (const [key, record] of batch) this.keep(key, record);
        await this.unavailable(error);
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** Stores a batch; throws only ReadModelUnavailableError. */
  private async write(batch: LivenessRecord[]): Promise<void> {
    try {
      await this.store.recordLiveness(batch);
      return;
    } catch (error) {
      if (error instanceof ReadModelUnavailableError) throw error;
      if (batch.length === 1) return this.refused(1, error);
    }
    let lost = 0;
    let lastError: unknown;
    for (const record of batch) {
      try {
        await this.store.recordLiveness([record]);
      } catch (error) {
        // The whole batch goes back; what was stored already is stored again, which changes nothing.
        if (error instanceof ReadModelUnavailableError) throw error;
        lost += 1;
        lastError = error;
      }
    }
    if (lost > 0) this.refused(lost, lastError);
  }

  private refused(count: number, error: unknown): void {
    this.persistFailures += 1;
    this.metrics?.storeFailed();
    this.logger.warn(`could not store ${count} liveness records: ${String(error)}`);
  }

  private async unavailable(error: unknown): Promise<void> {
    this.storeRetries += 1;
    if (!this.outage) {
      this.outage = { since: Date.now(), attempts: 0 };
      this.logger.warn(
        `cannot store liveness, the read model is unavailable (${String(error)}); ` +
          'keeping the newest record of each gateway and retrying until it is back',
      );
    }
    this.outage.attempts += 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.outage.attempts - 1));
    await new Promise((resolve) => setTimeout(resolve, delay));
  }

  private recovered(): void {
    if (!this.outage) return;
    const seconds = ((Date.now() - this.outage.since) / 1000).toFixed(1);
    this.logger.log(
      `stored liveness again after ${seconds} s of read-model outage (${this.outage.attempts} writes retried); ` +
        `${this.unstored} records still to store`,
    );
    this.outage = undefined;
  }
}
