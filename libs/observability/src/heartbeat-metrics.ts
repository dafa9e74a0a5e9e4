import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Why a heartbeat was dropped; `shed` is load shedding (over capacity, or superseded while waiting), `forbidden` a
 * heartbeat from a tenant account the org is not bound to.
 */
export type HeartbeatDropReason = 'unregistered' | 'invalid' | 'forbidden' | 'shed';
const DROP_REASONS: readonly HeartbeatDropReason[] = ['unregistered', 'invalid', 'forbidden', 'shed'];

/** heartbeat-ingest: heartbeats accepted, dropped by reason, and batched into liveness facts. */
export class HeartbeatMetrics {
  private readonly acceptedCounter: Counter;
  private readonly droppedCounter: Counter<'reason'>;
  private readonly batchSize: Histogram;
  private readonly storeFailures: Counter;

  constructor(registry: Registry, backlog: () => number) {
    this.acceptedCounter = new Counter({
      name: 'gwpool_heartbeats_accepted_total',
      help: 'Heartbeats accepted and queued for the next liveness batch.',
      registers: [registry],
    });
    this.droppedCounter = new Counter({
      name: 'gwpool_heartbeats_dropped_total',
      help: 'Heartbeats dropped, by reason: unregistered (gateway unknown in that org), invalid (body or subject), forbidden (a tenant account not bound to that org) or shed (over capacity).',
      labelNames: ['reason'],
      registers: [registry],
    });
    for (const reason of DROP_REASONS) this.droppedCounter.labels(reason).inc(0);
    this.batchSize = new Histogram({
      name: 'gwpool_heartbeat_batch_size',
      help: 'Liveness records per batch published and stored (the newest heartbeat of each gateway in 100 ms); _count is the batches.',
      buckets: [1, 10, 100, 1000, 5000],
      registers: [registry],
    });
    this.storeFailures = new Counter({
      name: 'gwpool_liveness_store_failures_total',
      help: 'Batches of which some liveness records could not be stored in the read model.',
      registers: [registry],
    });
    new Gauge({
      name: 'gwpool_heartbeat_backlog',
      help: 'Accepted heartbeats waiting for the next batch.',
      registers: [registry],
      collect() {
        this.set(backlog());
      },
    });
  }

  accepted(): void {
    this.acceptedCounter.inc();
  }

  dropped(reason: HeartbeatDropReason): void {
    this.droppedCounter.labels(reason).inc();
  }

  batched(records: number): void {
    this.batchSize.observe(records);
  }

  storeFailed(): void {
    this.storeFailures.inc();
  }
}
