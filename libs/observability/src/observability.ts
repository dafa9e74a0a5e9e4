import { type LoggerService, type LogLevel, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CommandMetrics } from './command-metrics.js';
import { registerFollowerMetrics } from './follower-metrics.js';
import { type AppliedEvent, FollowerMonitor, type FollowerOptions, type LagSource } from './follower-monitor.js';
import { HeartbeatMetrics } from './heartbeat-metrics.js';
import { enableLogScope } from './log-scope.js';
import { type LogFormat, type LogThreshold, nestLogLevels, PinoLogger } from './pino-logger.js';
import { type PoolHealthRow, registerPoolGauges } from './pool-gauges.js';
import { ProbeServer } from './probe-server.js';
import { Readiness } from './readiness.js';
import { RequestMetrics } from './request-metrics.js';
import { AlertMetrics, RoutingMetrics } from './routing-metrics.js';

/** The settings this lib reads (a part of @gwpool/config's Settings). */
export interface ObservabilitySettings {
  /** Undefined: no HTTP port, no metrics recorded. 0: any free port. */
  metricsPort?: number;
  metricsHost: string;
  metricsOrgLimit: number;
  logFormat: LogFormat;
  logLevel: LogThreshold;
  readyMaxLagMs: number;
}

/** A catalog that follows the log: CatalogFollower fits. */
export interface FollowedCatalog {
  readonly position: string | null;
  onEvent(listener: (state: { org: string }, event: unknown, recorded: AppliedEvent) => void): void;
}

/** Any other follower of the log that reports each event it applies by org: GatewayRegistry fits. */
export interface FollowedLog {
  readonly position: string | null;
  onApplied(listener: (org: string, recorded: AppliedEvent) => void): void;
}

/** Something with a connection to probe: a NatsConnection fits. */
export interface Flushable {
  flush(): Promise<void>;
  isClosed(): boolean;
}

/**
 * One per process, made first thing in its composition root: the logger (Nest's own, or pino with LOG_FORMAT=json),
 * readiness, and, when METRICS_PORT is set, the Prometheus registry and the HTTP port serving /metrics, /healthz and
 * /readyz. Every metric group is undefined when metrics are off, so the hooks cost nothing then.
 */
export class Observability {
  readonly readiness = new Readiness();
  readonly requests?: RequestMetrics;
  private server?: ProbeServer;
  private readonly followers: FollowerMonitor[] = [];
  private serving = false;

  private constructor(
    readonly service: string,
    readonly settings: ObservabilitySettings,
    /** What Nest takes as its `logger` option. */
    readonly logger: LoggerService | LogLevel[],
    readonly registry?: Registry,
  ) {
    if (registry) this.requests = new RequestMetrics(registry);
    // Nothing else may make it ready before the composition root is done: the other checks are added as it goes.
    this.readiness.add('startup', () => (this.serving ? undefined : 'startup: not taking requests yet'));
  }

  /** The service has subscribed and takes requests (startMicroservice calls it). */
  markServing(): void {
    this.serving = true;
  }

  static async start(service: string, settings: ObservabilitySettings): Promise<Observability> {
    const levels = nestLogLevels(settings.logLevel);
    let logger: LoggerService | LogLevel[] = levels;
    if (settings.logFormat === 'json') {
      logger = PinoLogger.create(service, settings.logLevel);
      Logger.overrideLogger(logger);
      enableLogScope();
    }
    // Also the levels of the static Logger, which libs log through before Nest starts.
    Logger.overrideLogger(levels);
    let registry: Registry | undefined;
    if (settings.metricsPort !== undefined) {
      registry = new Registry();
      registry.setDefaultLabels({ service });
      collectDefaultMetrics({ register: registry });
    }
    const observability = new Observability(service, settings, logger, registry);
    const log = new Logger('Observability');
    if (registry && settings.metricsPort !== undefined) {
      observability.readiness.register(registry);
      observability.server = await ProbeServer.start({
        host: settings.metricsHost,
        port: settings.metricsPort,
        readiness: observability.readiness,
        registry,
      });
      const where = `http://${settings.metricsHost}:${observability.server.port}`;
      log.log(`metrics on ${where}/metrics, liveness on ${where}/healthz, readiness on ${where}/readyz`);
    } else {
      log.log('METRICS_PORT is not set: no metrics, /healthz or /readyz (the service still answers $SRV.PING)');
    }
    return observability;
  }

  /** The port actually listened on (METRICS_PORT=0 picks a free one), or undefined when off. */
  get metricsPort(): number | undefined {
    return this.server?.port;
  }

  /** A follower of the log, measured and part of readiness. Call start() on it once its views are loaded. */
  follow(name: string, position: () => string | null, log: LagSource, options: Partial<FollowerOptions> = {}) {
    const monitor = new FollowerMonitor(name, position, log, { maxLagMs: this.settings.readyMaxLagMs, ...options });
    if (this.registry && this.followers.length === 0) registerFollowerMetrics(this.registry, () => this.followers);
    this.readiness.add(name, monitor.check);
    this.followers.push(monitor);
    return monitor;
  }

  /** A catalog following the log, with each applied event counted (and logged, see FollowerOptions.logApplied). */
  followCatalog(catalog: FollowedCatalog, log: LagSource, options: Partial<FollowerOptions> = {}): FollowerMonitor {
    const monitor = this.follow('catalog', () => catalog.position, log, options);
    catalog.onEvent((state, _event, recorded) => monitor.applied(state.org, recorded));
    return monitor;
  }

  /** `followCatalog` for a follower that is not a catalog, under its own name. */
  followLog(name: string, followed: FollowedLog, log: LagSource, options: Partial<FollowerOptions> = {}) {
    const monitor = this.follow(name, () => followed.position, log, options);
    followed.onApplied((org, recorded) => monitor.applied(org, recorded));
    return monitor;
  }

  /** A NATS connection: ready while a flush (a round trip to the server) answers. */
  nats(name: string, nc: Flushable): void {
    this.readiness.probe(name, async () => {
      if (nc.isClosed()) throw new Error('connection closed');
      await nc.flush();
    });
  }

  /** A store: ready while `probe` (one cheap read) answers. */
  store(name: string, probe: () => Promise<unknown>): void {
    this.readiness.probe(name, probe);
  }

  heartbeats(backlog: () => number): HeartbeatMetrics | undefined {
    return this.registry && new HeartbeatMetrics(this.registry, backlog);
  }

  commands(): CommandMetrics | undefined {
    return this.registry && new CommandMetrics(this.registry);
  }

  routing(): RoutingMetrics | undefined {
    return this.registry && new RoutingMetrics(this.registry);
  }

  alerts(kinds: readonly string[]): AlertMetrics | undefined {
    return this.registry && new AlertMetrics(this.registry, kinds);
  }

  pools(rows: () => Iterable<PoolHealthRow>): void {
    if (this.registry) registerPoolGauges(this.registry, rows, this.settings.metricsOrgLimit);
  }

  async close(): Promise<void> {
    for (const follower of this.followers) follower.stop();
    this.readiness.stop();
    await this.server?.close();
  }
}
