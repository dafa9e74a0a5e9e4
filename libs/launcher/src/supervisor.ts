import type { ExitStatus } from './child-process.js';

/** When to restart an instance that exited without being asked to. */
export interface RestartPolicy {
  /** Delay before the first restart of a run of crashes. */
  initialDelayMs: number;
  /** Each further crash in a row multiplies the delay by this. */
  factor: number;
  maxDelayMs: number;
  /** An instance that ran at least this long counts as stable: its crash starts a new run at initialDelayMs. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 250,
  factor: 2,
  maxDelayMs: 30_000,
  stableAfterMs: 30_000,
};

/** Delay before the `crashesInARow`-th restart (1 for the first): initial × factor^(n−1), capped. */
export function restartDelay(crashesInARow: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  const n = Math.max(1, Math.floor(crashesInARow));
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (n - 1));
}

/** What a supervisor needs of a process: a NodeProcess or ServiceProcess fits. */
export interface Supervisable {
  readonly pid: number | undefined;
  readonly running: boolean;
  start(): unknown;
  exited(): Promise<ExitStatus>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface RestartNotice {
  label: string;
  /** The pid that exited. */
  pid: number | undefined;
  status: ExitStatus;
  /** How long it had run. */
  ranMs: number;
  /** Restarts of this instance so far, this one included. */
  restarts: number;
  /** Crashes in a row (1 after a stable run): what the delay was computed from. */
  crashesInARow: number;
  delayMs: number;
}

/** Time as the supervisor sees it; tests pass a manual one. */
export interface SupervisorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** Called when the instance exited on its own, before the delay; say so with the exit status and the count. */
  onRestart?: (notice: RestartNotice) => void;
  /** Called each time the instance is started, the first time included. */
  onStart?: (pid: number | undefined) => void;
  clock?: SupervisorClock;
}

/**
 * Keeps one instance running: when it exits without stop() having been called, it is started again after a delay
 * that doubles with each crash in a row (restartDelay) and starts over once an instance has run stableAfterMs. So a
 * service that crashes once comes back at once, and one that cannot start is retried ever more slowly, never given
 * up on: only stop() ends it.
 */
export class Supervisor<P extends Supervisable = Supervisable> {
  private readonly policy: RestartPolicy;
  private readonly clock: SupervisorClock;
  private stopped = false;
  private startedAt = 0;
  private crashesInARow = 0;
  private pendingRestart: unknown;
  private startWaiters: (() => void)[] = [];
  restarts = 0;

  constructor(
    readonly label: string,
    readonly process: P,
    private readonly options: SupervisorOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.clock = options.clock ?? systemClock;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Starts the instance and watches it. */
  start(): this {
    this.stopped = false;
    this.launch();
    return this;
  }

  /** Resolves the next time an instance is started (after a crash, the restarted one). */
  nextStart(): Promise<void> {
    return new Promise((resolve) => this.startWaiters.push(resolve));
  }

  /** Stops supervising, cancels a pending restart and stops the instance. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.pendingRestart !== undefined) this.clock.clearTimeout(this.pendingRestart);
    this.pendingRestart = undefined;
    await this.process.stop(signal, graceMs);
  }

  private launch(): void {
    this.pendingRestart = undefined;
    this.process.start();
    this.startedAt = this.clock.now();
    const pid = this.process.pid;
    this.options.onStart?.(pid);
    for (const resolve of this.startWaiters.splice(0)) resolve();
    void this.process.exited().then((status) => this.exitedOnItsOwn(pid, status));
  }

  private exitedOnItsOwn(pid: number | undefined, status: ExitStatus): void {
    if (this.stopped) return;
    const ranMs = this.clock.now() - this.startedAt;
    this.crashesInARow = ranMs >= this.policy.stableAfterMs ? 1 : this.crashesInARow + 1;
    this.restarts += 1;
    const delayMs = restartDelay(this.crashesInARow, this.policy);
    this.options.onRestart?.({
      label: this.label,
      pid,
      status,
      ranMs,
      restarts: this.restarts,
      crashesInARow: this.crashesInARow,
      delayMs,
    });
    this.pendingRestart = this.clock.setTimeout(() => {
      if (!this.stopped) this.launch();
    }, delayMs);
  }
}

/** "exited with code 1" / "was killed by SIGKILL", for notices. */
export function describeExit({ code, signal }: ExitStatus): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code ?? 'unknown'}`;
}
