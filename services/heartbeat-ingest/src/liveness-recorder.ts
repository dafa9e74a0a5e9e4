import { heartbeatSubject, isLivenessFact, LIVENESS_FACTS_SUBJECT, type ReportedLoad } from '@gwpool/contracts';
import type { LivenessRecord } from '@gwpool/read-model';
import type { HeartbeatMetrics } from '@gwpool/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import type { LivenessWriter } from './liveness-writer.js';

const FLUSH_MS = 100;
const MAX_BATCH = 5000;
/**
 * Facts per NATS message: about 70 KB. Every service that keeps health in memory parses each message in one go on its
 * event loop, so a message must stay small enough not to hold up a route.pick behind it.
 */
export const FACTS_PER_MESSAGE = 1000;
/** A fact is a record without its detail: the replacer lets only these keys through, without copying each record. */
const FACT_KEYS = ['facts', 'org', 'gatewayId', 'at', 'check', 'load', 'activeConnections', 'capacity'];

/**
 * An accepted heartbeat: what is stored, plus the load that only travels in the facts (the stores write their own
 * columns, so it is never stored: it is trusted for two heartbeat intervals only).
 */
export type HeartbeatRecord = LivenessRecord & { load?: ReportedLoad };

/**
 * Batches accepted heartbeats: every 100 ms (or 5,000 gateways) their facts go out on NATS to the in-memory views,
 * and the records to the writer that stores them. Within a batch only each gateway's newest heartbeat matters.
 * Every record is checked before it is kept.
 */
export class LivenessRecorder {
  private pending = new Map<string, HeartbeatRecord>();
  private timer?: NodeJS.Timeout;
  /** Records refused before they were kept (a bug upstream: the intake validates every heartbeat). */
  invalidRecords = 0;
  factMessages = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly writer: LivenessWriter,
    private readonly metrics?: Pick<HeartbeatMetrics, 'batched'>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  /**
   * Keeps a valid record for the next flush; returns false, keeping nothing, for an invalid one. `key` names the
   * gateway: its heartbeat subject, which the intake already has.
   */
  record(record: HeartbeatRecord, key = heartbeatSubject(record.org, record.gatewayId)): boolean {
    if (!isLivenessFact(record)) {
      this.invalidRecords += 1;
      return false;
    }
    const current = this.pending.get(key);
    if (!current || current.at <= record.at) this.pending.set(key, record);
    if (this.pending.size >= MAX_BATCH) void this.flush();
    return true;
  }

  get backlog(): number {
    return this.pending.size;
  }

  /** Publishes and hands over what is pending; resolves once the writer has stored it. */
  flush(): Promise<void> {
    if (this.pending.size > 0) {
      const pending = this.pending;
      this.pending = new Map();
      const batch = [...pending.values()];
      this.metrics?.batched(batch.length);
      for (let i = 0; i < batch.length; i += FACTS_PER_MESSAGE) {
        const facts = batch.slice(i, i + FACTS_PER_MESSAGE);
        this.nc.publish(LIVENESS_FACTS_SUBJECT, JSON.stringify({ facts }, FACT_KEYS));
        this.factMessages += 1;
      }
      // Storing is for restarts: it never holds up the facts, and waits out a read-model outage on its own.
      this.writer.add(pending);
    }
    return this.writer.idle();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    void this.flush();
    await this.writer.stop();
  }
}
