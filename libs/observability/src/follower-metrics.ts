import { Counter, Gauge, type Registry } from 'prom-client';
import { type FollowerMonitor, LAG_LIMIT } from './follower-monitor.js';

/** The follower metrics, once per registry, with one series per follower (label `follower`). */
export function registerFollowerMetrics(registry: Registry, followers: () => readonly FollowerMonitor[]): void {
  new Counter({
    name: 'gwpool_log_events_applied_total',
    help: 'Events applied by a follower of the log since the process started (catalog: in memory; views: stored).',
    labelNames: ['follower'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of followers()) this.inc({ follower: f.name }, f.eventsApplied);
    },
  });
  new Gauge({
    name: 'gwpool_log_position_timestamp_seconds',
    help: 'When the last event a follower applied was recorded in the log (Unix time, the store clock).',
    labelNames: ['follower'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of followers()) {
        const at = f.positionTime;
        if (at) this.set({ follower: f.name }, at.getTime() / 1000);
      }
    },
  });
  new Gauge({
    name: 'gwpool_log_lag_events',
    help: `Committed events a follower has not applied yet (counted up to ${LAG_LIMIT}).`,
    labelNames: ['follower'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of followers()) {
        const lag = f.lag();
        if (lag) this.set({ follower: f.name }, lag.events);
      }
    },
  });
  new Gauge({
    name: 'gwpool_log_lag_seconds',
    help: 'Age of the oldest committed event a follower has not applied yet; 0 when caught up.',
    labelNames: ['follower'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of followers()) {
        const lag = f.lag();
        if (lag) this.set({ follower: f.name }, lag.seconds);
      }
    },
  });
}
