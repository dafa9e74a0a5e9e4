// Scenario 5: resident memory of each service, read from /proc (VmRSS now, VmHWM the peak since start).
import { type BenchContext, stackOf } from '../lib/context.js';
import { memoryOf } from '../lib/stack.js';

const LIMITS_MB: Record<string, number> = { 'routing-query': 300 };

export function memoryFigures(ctx: BenchContext, label: string, { target = false } = {}): void {
  const memory: Record<string, { rssMb: number; hwmMb: number }> = {};
  for (const [name, service] of stackOf(ctx).services) {
    const { rssMb, hwmMb } = memoryOf(service.pid);
    memory[name] = { rssMb, hwmMb };
    const limit = target ? LIMITS_MB[name] : undefined;
    ctx.figure({
      scenario: '5 memory',
      figure: `${name} RSS, ${label} (peak ${hwmMb.toFixed(0)} MB)`,
      value: rssMb,
      unit: 'MB',
      ...(limit ? { target: { atMost: limit, text: `< ${limit} MB` } } : {}),
    });
  }
  const all = (ctx.details['memory'] ??= {}) as Record<string, unknown>;
  all[label] = memory;
}
