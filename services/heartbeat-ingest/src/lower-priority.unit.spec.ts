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
    const pid = child.pid as number;
    for (let i = 0; i < 100 && readdirSync(`/proc/${pid}/task`).length < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
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

    expect(lowerPriority(after, pid)).toBe(threads.length);

    expect(niceOfThreads(pid)).toEqual(threads.map(() => after));
  });
});
