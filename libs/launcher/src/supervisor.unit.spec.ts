import type { ExitStatus } from './child-process.js';
import {
  DEFAULT_RESTART_POLICY,
  describeExit,
  type RestartNotice,
  type RestartPolicy,
  restartDelay,
  type Supervisable,
  Supervisor,
  type SupervisorClock,
} from './supervisor.js';

/** Time that moves only when told to; timers fire in order as it passes them. */
class ManualClock implements SupervisorClock {
  private time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = until;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A process that exits when the test says so. */
class FakeProcess implements Supervisable {
  starts = 0;
  stops = 0;
  private exit?: (status: ExitStatus) => void;
  private exitPromise?: Promise<ExitStatus>;

  get pid(): number | undefined {
    return this.running ? 1000 + this.starts : undefined;
  }

  get running(): boolean {
    return this.exit !== undefined;
  }

  start(): void {
    this.starts += 1;
    this.exitPromise = new Promise((resolve) => (this.exit = resolve));
  }

  exited(): Promise<ExitStatus> {
    return this.exitPromise ?? Promise.resolve({ code: null, signal: null });
  }

  async crash(status: ExitStatus = { code: 1, signal: null }): Promise<void> {
    const exit = this.exit;
    this.exit = undefined;
    exit?.(status);
    await settle();
  }

  async stop(): Promise<void> {
    this.stops += 1;
    await this.crash({ code: 0, signal: null });
  }
}

const policy: RestartPolicy = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, stableAfterMs: 5000 };

function supervised() {
  const clock = new ManualClock();
  const process = new FakeProcess();
  const notices: RestartNotice[] = [];
  const supervisor = new Supervisor('routing-query#1', process, {
    policy,
    clock,
    onRestart: (notice) => notices.push(notice),
  }).start();
  return { clock, process, notices, supervisor };
}

describe('restartDelay', () => {
  it('doubles with each crash in a row from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => restartDelay(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('treats anything below one as the first crash', () => {
    expect(restartDelay(0, policy)).toBe(100);
    expect(restartDelay(-3, policy)).toBe(100);
  });

  it('starts the default schedule at 250 ms and caps it at 30 s', () => {
    expect(restartDelay(1)).toBe(250);
    expect(restartDelay(2)).toBe(500);
    expect(restartDelay(50)).toBe(DEFAULT_RESTART_POLICY.maxDelayMs);
  });
});

describe('the supervisor', () => {
  it('restarts an instance that exits on its own after the first delay, and says so', async () => {
    const { clock, process, notices } = supervised();
    await clock.advance(1000);

    await process.crash({ code: null, signal: 'SIGKILL' });

    expect(notices).toEqual([
      {
        label: 'routing-query#1',
        pid: 1001,
        status: { code: null, signal: 'SIGKILL' },
        ranMs: 1000,
        restarts: 1,
        crashesInARow: 1,
        delayMs: 100,
      },
    ]);
    expect(process.starts).toBe(1);
    await clock.advance(99);
    expect(process.starts).toBe(1);
    await clock.advance(1);
    expect(process.starts).toBe(2);
    expect(process.running).toBe(true);
  });

  it('backs off further with each crash in a row', async () => {
    const { clock, process, notices } = supervised();

    for (let i = 0; i < 6; i += 1) {
      await process.crash();
      await clock.advance(notices.at(-1)?.delayMs ?? 0);
    }

    expect(notices.map((n) => n.delayMs)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(notices.map((n) => n.restarts)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(process.starts).toBe(7);
  });

  it('starts the schedule over once an instance has run for the stable period', async () => {
    const { clock, process, notices } = supervised();
    for (let i = 0; i < 3; i += 1) {
      await process.crash();
      await clock.advance(notices.at(-1)?.delayMs ?? 0);
    }
    expect(notices.at(-1)?.delayMs).toBe(400);

    await clock.advance(policy.stableAfterMs);
    await process.crash();

    expect(notices.at(-1)).toMatchObject({ crashesInARow: 1, delayMs: 100, restarts: 4 });
  });

  it('keeps backing off when an instance dies just short of the stable period', async () => {
    const { clock, process, notices } = supervised();
    await process.crash();
    await clock.advance(100);

    await clock.advance(policy.stableAfterMs - 1);
    await process.crash();

    expect(notices.at(-1)).toMatchObject({ crashesInARow: 2, delayMs: 200 });
  });

  it('never restarts an instance it was asked to stop, even with a restart pending', async () => {
    const { clock, process, supervisor } = supervised();
    await process.crash();
    expect(clock.pending).toBe(1);

    await supervisor.stop();
    await clock.advance(10_000);

    expect(process.starts).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('does not restart after a stop that makes the instance exit', async () => {
    const { clock, process, notices, supervisor } = supervised();

    await supervisor.stop();
    await clock.advance(10_000);

    expect(process.stops).toBe(1);
    expect(process.starts).toBe(1);
    expect(notices).toEqual([]);
  });

  it('lets a waiter know when the crashed instance has been started again', async () => {
    const { clock, process, supervisor } = supervised();
    let restarted = false;
    void supervisor.nextStart().then(() => (restarted = true));

    await process.crash();
    await settle();
    expect(restarted).toBe(false);
    await clock.advance(100);

    expect(restarted).toBe(true);
  });
});

describe('describeExit', () => {
  it('names the signal when there is one, else the exit code', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('was killed by SIGKILL');
    expect(describeExit({ code: 1, signal: null })).toBe('exited with code 1');
  });
});
