import { Counter, type Registry } from 'prom-client';

/**
 * routing-query: ejections counted by the instance that took the caller's report (every instance applies it, so
 * summing over instances counts each once), and picks answered in panic mode.
 */
export class RoutingMetrics {
  private readonly ejections: Counter;
  private readonly panics: Counter;

  constructor(registry: Registry) {
    this.ejections = new Counter({
      name: 'gwpool_route_ejections_total',
      help: 'Pool members made suspect by failed caller reports (route.report), counted once across instances.',
      registers: [registry],
    });
    this.panics = new Counter({
      name: 'gwpool_route_panics_total',
      help: 'Picks answered in panic mode: every usable member was suspect, so suspects were picked too.',
      registers: [registry],
    });
  }

  ejected(): void {
    this.ejections.inc();
  }

  panicked(): void {
    this.panics.inc();
  }
}

/** projector: pool alerts sent, by kind (a closed set the caller gives, so every kind shows from the start). */
export class AlertMetrics {
  private readonly alerts: Counter<'kind'>;

  constructor(registry: Registry, kinds: readonly string[]) {
    this.alerts = new Counter({
      name: 'gwpool_pool_alerts_total',
      help: 'Pool alerts published on gwpool.v1.{org}.alert.{poolId}, by kind; only the active projector sends.',
      labelNames: ['kind'],
      registers: [registry],
    });
    for (const kind of kinds) this.alerts.labels(kind).inc(0);
  }

  sent(kind: string): void {
    this.alerts.labels(kind).inc();
  }
}
