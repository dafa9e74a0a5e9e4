import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const CLOCK_TICKS = 100;

/** Busy CPU seconds of the whole machine, and of this process with its children (counted once they are reaped). */
function cpuTimes(): { machine: number; ours: number } {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = (
    readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  )
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const self = readFileSync('/proc/self/stat', 'utf8');
  const f = self
    .slice(self.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const field = (i: number) => f[i] ?? 0;
  return {
    machine: (user + nice + system + irq + softirq) / CLOCK_TICKS,
    ours: (field(11) + field(12) + field(13) + field(14)) / CLOCK_TICKS,
  };
}

export interface OtherCpu {
  seconds: number;
  share: number;
}

/**
 * Measures how much CPU other processes took while the benchmark ran: on a shared machine this says how far to
 * trust the figures. Read the result after every child has exited.
 */
export function otherCpuMeter(): () => OtherCpu {
  const start = cpuTimes();
  const t0 = performance.now();
  return () => {
    const end = cpuTimes();
    const wall = (performance.now() - t0) / 1000;
    const others = Math.max(0, end.machine - start.machine - (end.ours - start.ours));
    return { seconds: others, share: others / (wall * cpus().length) };
  };
}
