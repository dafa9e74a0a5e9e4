import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { lowerPriority } from './lower-priority.js';

/** The nice value of each thread of `pid`, from /proc (field 19 of stat, after the command's parentheses). */
const niceOfThreads = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((thread) => {
    const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

describe('lowering the CPU priority', () => {
  let child: ChildProcess;

  beforeAll(async () => {
    // A Node.js process like a service: its V8 and libuv threads start before any code of ours runs.
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    // Node starts some of its threads lazily; wait until the count has held for 300 ms.
    const pid = child.pid as number;
    let count = 0;
    let steady = 0;
    for (let i = 0; i < 250 && steady < 15; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = readdirSync(`/proc/${pid}/task`).length;
      steady = now === count && now > 1 ? steady + 1 : 0;
      count = now;
    }
  });

  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('lowers every thread of the process, not only the one that asks', () => {
    const pid = child.pid as number;
    const threads = niceOfThreads(pid);
    // Whatever priority the test runs at, the child's threads start at one and are lowered by five.
    const [before = 0] = threads;
    const after = before + 5;
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.every((nice) => nice === before) && after <= 19).toBe(true);

    // A thread started meanwhile is lowered too, or inherits the lowered main thread's value.
    expect(lowerPriority(after, pid)).toBeGreaterThanOrEqual(threads.length);

    const lowered = niceOfThreads(pid);
    expect(lowered.length).toBeGreaterThanOrEqual(threads.length);
    expect(lowered).toEqual(lowered.map(() => after));
  });
});
