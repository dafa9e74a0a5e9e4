import { Counter, type Registry } from 'prom-client';

/** pool-command: commands whose events were appended, the events by type, and appends lost to a concurrent writer. */
export class CommandMetrics {
  private readonly commands: Counter;
  private readonly events: Counter<'type'>;
  private readonly conflicts: Counter<'result'>;

  constructor(registry: Registry) {
    this.commands = new Counter({
      name: 'gwpool_commands_appended_total',
      help: 'Commands whose events were appended to the log (no-ops and refusals append nothing and are not counted).',
      registers: [registry],
    });
    this.events = new Counter({
      name: 'gwpool_events_appended_total',
      help: 'Events appended to the log, by event type.',
      labelNames: ['type'],
      registers: [registry],
    });
    this.conflicts = new Counter({
      name: 'gwpool_command_conflicts_total',
      help: 'Appends refused because the org stream moved: retried (re-decided on fresh state) or exhausted (CONFLICT replied).',
      labelNames: ['result'],
      registers: [registry],
    });
    for (const result of ['retried', 'exhausted']) this.conflicts.labels(result).inc(0);
  }

  appended(eventTypes: readonly string[]): void {
    this.commands.inc();
    for (const type of eventTypes) this.events.labels(type).inc();
  }

  conflict(retried: boolean): void {
    this.conflicts.labels(retried ? 'retried' : 'exhausted').inc();
  }
}
