import { Gauge, type Registry } from 'prom-client';

/** A check passes with `undefined` and fails with a short reason. */
export type ReadinessCheck = () => string | undefined;

export interface ReadinessState {
  ready: boolean;
  /** Why not, one short line per failing check. */
  reasons?: string[];
  /** Every check: `ok` or its reason. */
  checks: Record<string, string>;
}

const withTimeout = async <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Readiness as the sum of named checks. Synchronous checks read state a component keeps; probes (a NATS flush, a
 * store read) run in the background on an interval, so /readyz answers at once from their last result and never
 * piles requests onto a store that is already slow. A probe whose last success is too old fails too.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly intervalMs = 2_000,
    private readonly timeoutMs = 2_000,
  ) {}

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Runs `probe` now and every interval; fails until the first success, and when the last one is stale. */
  probe(name: string, probe: () => Promise<unknown>): void {
    let lastOk = 0;
    let lastError: string | undefined = 'not probed yet';
    const run = async () => {
      try {
        await withTimeout(probe(), this.timeoutMs, name);
        lastOk = Date.now();
        lastError = undefined;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    };
    let running = run();
    const timer = setInterval(() => {
      if (this.stopped) return;
      void running.then(() => {
        running = run();
      });
    }, this.intervalMs);
    timer.unref();
    this.timers.push(timer);
    const staleAfter = 3 * this.intervalMs + this.timeoutMs;
    this.add(name, () => {
      if (lastError !== undefined) return `${name}: ${lastError}`.slice(0, 200);
      const age = Date.now() - lastOk;
      return age > staleAfter ? `${name}: last answered ${Math.round(age / 1000)} s ago` : undefined;
    });
  }

  state(): ReadinessState {
    const checks: Record<string, string> = {};
    const reasons: string[] = [];
    for (const [name, check] of this.checks) {
      let reason: string | undefined;
      try {
        reason = check();
      } catch (error) {
        reason = `${name}: ${String(error)}`;
      }
      checks[name] = reason ?? 'ok';
      if (reason !== undefined) reasons.push(reason);
    }
    return reasons.length === 0 ? { ready: true, checks } : { ready: false, reasons, checks };
  }

  /** `gwpool_ready`: 1 when ready, as /readyz would answer at scrape time. */
  register(registry: Registry): void {
    const ready = () => this.state().ready;
    new Gauge({
      name: 'gwpool_ready',
      help: 'Whether the service is ready (1) as /readyz answers: views loaded and caught up, NATS and stores reachable.',
      registers: [registry],
      collect() {
        this.set(ready() ? 1 : 0);
      },
    });
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
  }
}
