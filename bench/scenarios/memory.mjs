// Scenario 5: resident memory of each service, read from /proc (VmRSS now, VmHWM the peak since start).
import { memoryOf } from '../lib/stack.mjs';

const LIMITS_MB = { 'routing-query': 300 };

export function memoryFigures(ctx, label, { target = false } = {}) {
  const memory = {};
  for (const [name, service] of ctx.stack.services) {
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
  (ctx.details.memory ??= {})[label] = memory;
}
