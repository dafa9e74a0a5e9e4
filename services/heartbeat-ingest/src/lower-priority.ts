import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers every thread of process `pid` to `nice`. On Linux a nice value belongs to a thread: `os.setPriority` reaches
 * only the one that calls it, and V8's garbage-collector and compiler threads, started before, would go on competing
 * with the query path at the old priority. Threads started later inherit the main thread's. Without /proc (not
 * Linux) the process is lowered as a whole. Returns how many threads were lowered.
 */
export function lowerPriority(nice: number, pid = process.pid): number {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    setPriority(pid, nice);
    return 1;
  }
  let lowered = 0;
  for (const thread of threads) {
    try {
      setPriority(Number(thread), nice);
      lowered += 1;
    } catch (error) {
      // A thread that ended since the listing; anything else is a real failure.
      if ((error as { info?: { code?: string } }).info?.code !== 'ESRCH') throw error;
    }
  }
  return lowered;
}
