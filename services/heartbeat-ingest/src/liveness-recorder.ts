import { LIVENESS_FACTS_SUBJECT, type LivenessFact } from '@gwpool/contracts';
import type { LivenessRecord, ReadModelStore } from '@gwpool/read-model';
import type { NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

const FLUSH_MS = 100;
const MAX_BATCH = 5000;

/**
 * Batches accepted heartbeats: one NATS message carries them to the in-memory views, one statement stores them.
 * Within a batch only each gateway's newest heartbeat matters.
 */
export class LivenessRecorder {
  private pending = new Map<string, LivenessRecord>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly logger = new Logger(LivenessRecorder.name);
  persistFailures = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly views: ReadModelStore,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  record(record: LivenessRecord): void {
    const key = `${record.org}\u0000${record.gatewayId}`;
    const current = this.pending.get(key);
    if (!current || current.at <= record.at) this.pending.set(key, record);
    if (this.pending.size >= MAX_BATCH) void this.flush();
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
    // Persisting is for restarts; it is serialized so a slow store never reorders writes.
    this.flushing = this.flushing.then(() =>
      this.views.recordLiveness(batch).catch((error: unknown) => {
        this.persistFailures += 1;
        this.logger.warn(`could not store ${batch.length} liveness records: ${String(error)}`);
      }),
    );
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
