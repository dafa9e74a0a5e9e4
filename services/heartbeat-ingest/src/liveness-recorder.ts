import { isLivenessFact, LIVENESS_FACTS_SUBJECT, type LivenessFact } from '@gwpool/contracts';
import { type LivenessRecord, type ReadModelStore, ReadModelUnavailableError } from '@gwpool/read-model';
import type { HeartbeatMetrics } from '@gwpool/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

const FLUSH_MS = 100;
const MAX_BATCH = 5000;

/**
 * Batches accepted heartbeats: one NATS message carries them to the in-memory views, one statement stores them.
 * Within a batch only each gateway's newest heartbeat matters. Every record is checked before it is kept, and a
 * batch the store refuses for its data is stored record by record, so one bad record never drops the others.
 */
export class LivenessRecorder {
  private pending = new Map<string, LivenessRecord>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly logger = new Logger(LivenessRecorder.name);
  persistFailures = 0;
  /** Records refused before they were kept (a bug upstream: the controller validates every heartbeat). */
  invalidRecords = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly views: ReadModelStore,
    private readonly metrics?: Pick<HeartbeatMetrics, 'batched' | 'storeFailed'>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  /** Keeps a valid record for the next flush; returns false, keeping nothing, for an invalid one. */
  record(record: LivenessRecord): boolean {
    if (!isLivenessFact(record)) {
      this.invalidRecords += 1;
      return false;
    }
    const key = `${record.org}\u0000${record.gatewayId}`;
    const current = this.pending.get(key);
    if (!current || current.at <= record.at) this.pending.set(key, record);
    if (this.pending.size >= MAX_BATCH) void this.flush();
    return true;
  }

  get backlog(): number {
    return this.pending.size;
  }

  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushing;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const facts: LivenessFact[] = batch.map(({ org, gatewayId, at, check }) => ({ org, gatewayId, at, check }));
    this.nc.publish(LIVENESS_FACTS_SUBJECT, JSON.stringify({ facts }));
    this.metrics?.batched(batch.length);
    // Persisting is for restarts; it is serialized so a slow store never reorders writes.
    this.flushing = this.flushing.then(() => this.store(batch));
    return this.flushing;
  }

  private async store(batch: LivenessRecord[]): Promise<void> {
    try {
      await this.views.recordLiveness(batch);
      return;
    } catch (error) {
      if (error instanceof ReadModelUnavailableError || batch.length === 1) return this.failed(batch.length, error);
    }
    let lost = 0;
    let lastError: unknown;
    for (const record of batch) {
      try {
        await this.views.recordLiveness([record]);
      } catch (error) {
        lost += 1;
        lastError = error;
      }
    }
    if (lost > 0) this.failed(lost, lastError);
  }

  private failed(count: number, error: unknown): void {
    this.persistFailures += 1;
    this.metrics?.storeFailed();
    this.logger.warn(`could not store ${count} liveness records: ${String(error)}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
