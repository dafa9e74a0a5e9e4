import { Logger } from '@nestjs/common';
import { runInLogScope } from './log-scope.js';

/** What the monitor needs of the event log (the event-log port's measureLag). */
export interface LagSource {
  measureLag(
    after: string | null | undefined,
    options?: { streamPrefix?: string; limit?: number },
  ): Promise<{ events: number; capped: boolean; oldestRecordedAt: Date | null }>;
}

/** An event as a follower applied it: enough to count it, place it in time and log it in its request's scope. */
export interface AppliedEvent {
  type: string;
  streamId: string;
  revision: number;
  position: string;
  recordedAt: Date;
  metadata: { correlationId?: unknown; traceparent?: unknown };
}

export interface FollowerOptions {
  /** Only this stream prefix is followed, so only it counts. */
  streamPrefix?: string;
  /** Ready only while the oldest event not yet applied is younger than this. */
  maxLagMs: number;
  intervalMs?: number;
  timeoutMs?: number;
  /** `info`: log each applied event once caught up (the projector); `debug`: only at debug level. */
  logApplied?: 'info' | 'debug';
}

export const LAG_LIMIT = 10_000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Correlation id and traceparent of an event's metadata, when they are strings. */
const scopeOf = (org: string, metadata: AppliedEvent['metadata']) => ({
  org,
  ...(typeof metadata.correlationId === 'string' ? { correlationId: metadata.correlationId } : {}),
  ...(typeof metadata.traceparent === 'string' ? { traceparent: metadata.traceparent } : {}),
});

/**
 * Watches one follower of the log (a catalog, the projector's stored views): how many events it applied, where it
 * stands in time, and how far behind the head it is, in events and in seconds (age of the oldest event it has not
 * applied). It is caught up once nothing recorded before it started is left to apply; after that it stays ready while
 * its lag is under maxLagMs and the log answers.
 */
export class FollowerMonitor {
  private readonly logger = new Logger('Follower');
  private readonly startedAt = Date.now();
  private timer?: NodeJS.Timeout;
  private last?: { at: number; events: number; capped: boolean; oldest: Date | null };
  private lastError?: string;
  private lastRecordedAt: Date | null = null;
  private appliedCount = 0;
  private live = false;
  private started = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly position: () => string | null,
    private readonly log: LagSource,
    private readonly options: FollowerOptions,
  ) {}

  /** Whether it has caught up with the log as it was when it started. */
  get caughtUp(): boolean {
    return this.live;
  }

  /** Resolves once caught up. */
  whenCaughtUp(): Promise<void> {
    return this.live ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }

  start(): this {
    this.started = true;
    const tick = async () => {
      await this.measure();
      if (this.started) this.timer = setTimeout(() => void tick(), this.options.intervalMs ?? 1_000).unref();
    };
    void tick();
    return this;
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
  }

  /** Counts an applied event; the projector also logs it in the scope of the command that caused it. */
  applied(org: string, event: AppliedEvent): void {
    this.appliedCount += 1;
    this.lastRecordedAt = event.recordedAt;
    const level = this.live && this.options.logApplied === 'info' ? 'log' : 'debug';
    if (level === 'debug' && !Logger.isLevelEnabled('debug')) return;
    runInLogScope(scopeOf(org, event.metadata), () =>
      this.logger[level](
        `${this.name}: applied ${event.type} ${event.streamId}@${event.revision} at position ${event.position}`,
      ),
    );
  }

  /** Events applied since the process started. */
  get eventsApplied(): number {
    return this.appliedCount;
  }

  /** When the last event applied was recorded (the store's clock). */
  get positionTime(): Date | null {
    return this.lastRecordedAt;
  }

  /** Lag now: events as last measured, seconds since the oldest of them was recorded. */
  lag(now = Date.now()): { events: number; seconds: number } | undefined {
    if (!this.last) return undefined;
    const seconds = this.last.oldest ? Math.max(0, now - this.last.oldest.getTime()) / 1000 : 0;
    return { events: this.last.events, seconds };
  }

  /** Readiness: undefined when ready, else why not. */
  check = (): string | undefined => {
    if (!this.started) return `${this.name}: loading`;
    if (this.lastError !== undefined) return `${this.name}: cannot measure its lag: ${this.lastError}`.slice(0, 200);
    const lag = this.lag();
    if (!lag || !this.last) return `${this.name}: lag not measured yet`;
    const age = Date.now() - this.last.at;
    const staleAfter = 3 * (this.options.intervalMs ?? 1_000) + (this.options.timeoutMs ?? 2_000);
    if (age > staleAfter) return `${this.name}: lag last measured ${seconds(age)} ago`;
    const behind = `${lag.events}${this.last.capped ? '+' : ''} events (${seconds(lag.seconds * 1000)}) behind the log`;
    if (!this.live) return `${this.name}: catching up, ${behind}`;
    if (lag.seconds * 1000 > this.options.maxLagMs) {
      return `${this.name}: ${behind}, over READY_MAX_LAG (${seconds(this.options.maxLagMs)})`;
    }
    return undefined;
  };

  private async measure(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const lag = await Promise.race([
        this.log.measureLag(this.position(), { streamPrefix: this.options.streamPrefix, limit: LAG_LIMIT }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the event log did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.last = { at: Date.now(), events: lag.events, capped: lag.capped, oldest: lag.oldestRecordedAt };
      this.lastError = undefined;
      if (!this.live && (lag.events === 0 || (lag.oldestRecordedAt?.getTime() ?? 0) >= this.startedAt)) {
        this.live = true;
        this.logger.log(`${this.name}: caught up with the log`);
        for (const resolve of this.waiting.splice(0)) resolve();
      }
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
