import {
  DEFAULT_ALERT_COOLDOWN_MS,
  DEFAULT_EJECTION_POLICY,
  DEFAULT_HEARTBEAT_TTL_MS,
  type DampingPolicy,
  type EjectionPolicy,
  type EntitlementPolicy,
  NO_DAMPING,
  parseDuration,
} from '@gwpool/domain';

export interface Settings {
  natsUrl: string;
  /**
   * A `.creds` file to connect with (`NATS_CREDS`). Without it the services connect without credentials, and the
   * transport enforces no tenancy.
   */
  natsCreds?: string;
  eventStoreUrl: string;
  readModelUrl: string;
  /** Which set of views to read and write (a rebuild writes a fresh namespace). */
  readModelNamespace: string;
  heartbeatTtlMs: number;
  entitlements: EntitlementPolicy;
  /** How many orgs' catalogs pool-command keeps cached; the least recently used one goes past it. */
  commandCacheOrgs: number;
  /** HTTP port of /metrics, /healthz and /readyz; undefined: none (and no metrics recorded); 0: any free port. */
  metricsPort?: number;
  metricsHost: string;
  /** Orgs named on per-org gauges; the others are summed as `(other)`. */
  metricsOrgLimit: number;
  logFormat: 'text' | 'json';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** A follower further behind the log than this is not ready. */
  readyMaxLagMs: number;
  /** heartbeat-ingest: heartbeats one instance processes per second at most; 0: as many as it can. */
  ingestMaxRate: number;
  /** heartbeat-ingest: heartbeats waiting to be processed at most (one per gateway); beyond it, new ones are shed. */
  ingestMaxQueued: number;
  /** heartbeat-ingest: the nice value it lowers its CPU priority to, so that queries on the same host go first. */
  ingestNice: number;
  /** How often gateways are expected to beat: a load report is trusted for two intervals. */
  heartbeatIntervalMs: number;
  /** Consecutive checks that change a gateway's health (`HEALTHY_AFTER`, `UNHEALTHY_AFTER`). */
  damping: DampingPolicy;
  /** Passive ejection from caller reports (`EJECT_AFTER`, `EJECTION_TIME`, `EJECTION_MAX`). */
  ejection: EjectionPolicy;
  /** The least time between two alerts of one kind for one pool. */
  alertCooldownMs: number;
  /** How long a query waits for its view to apply the position it needs before it answers UNAVAILABLE. */
  readWaitMs: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

export const DEFAULT_COMMAND_CACHE_ORGS = 1000;
export const DEFAULT_READ_WAIT_MS = 2000;
/** A query waiting longer would outlive any sensible request timeout. */
export const MAX_READ_WAIT_MS = 60_000;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SettingsError(`${name} is not set`);
  return value;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const DEFAULT_READY_MAX_LAG_MS = 10_000;

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} '${text}' must be a whole number from ${min} to ${max}`);
  }
  return value;
}

const DEFAULT_INGEST_MAX_QUEUED = 100_000;
const DEFAULT_INGEST_NICE = 10;

function count(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `from ${min}` : `from ${min} to ${max}`;
    throw new SettingsError(`${name} '${text}' must be a whole number ${range}`);
  }
  return value;
}

function observabilitySettings(env: NodeJS.ProcessEnv) {
  const logFormat = env['LOG_FORMAT']?.trim() || 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new SettingsError(`LOG_FORMAT must be 'text' or 'json', not '${logFormat}'`);
  }
  const level = (env['LOG_LEVEL']?.trim() || 'info').toLowerCase();
  const logLevel = LOG_LEVELS.find((known) => known === level);
  if (!logLevel) throw new SettingsError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not '${level}'`);
  const lagText = env['READY_MAX_LAG']?.trim();
  const readyMaxLagMs = lagText ? parseDuration(lagText) : DEFAULT_READY_MAX_LAG_MS;
  if (readyMaxLagMs === undefined) {
    throw new SettingsError(`READY_MAX_LAG '${lagText}' is not a duration such as 5s, 10m or 1h`);
  }
  const metricsPort = wholeNumber(env, 'METRICS_PORT', 0, 65_535);
  return {
    ...(metricsPort === undefined ? {} : { metricsPort }),
    metricsHost: env['METRICS_HOST']?.trim() || '0.0.0.0',
    metricsOrgLimit: wholeNumber(env, 'METRICS_ORG_LIMIT', 1, 1_000) ?? 20,
    logFormat,
    logLevel,
    readyMaxLagMs,
  } as const;
}

/** Reads the settings every service shares; throws a SettingsError naming the first bad one. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const ttlText = env['HEARTBEAT_TTL']?.trim();
  const heartbeatTtlMs = ttlText ? parseDuration(ttlText) : DEFAULT_HEARTBEAT_TTL_MS;
  if (heartbeatTtlMs === undefined) {
    throw new SettingsError(`HEARTBEAT_TTL '${ttlText}' is not a duration such as 5s, 10m or 1h`);
  }
  const entitlements = (env['ENTITLEMENTS']?.trim() || 'open') as EntitlementPolicy;
  if (entitlements !== 'open' && entitlements !== 'enforced') {
    throw new SettingsError(`ENTITLEMENTS must be 'open' or 'enforced', not '${String(entitlements)}'`);
  }
  const cacheText = env['COMMAND_CACHE_ORGS']?.trim();
  const commandCacheOrgs = cacheText ? Number(cacheText) : DEFAULT_COMMAND_CACHE_ORGS;
  if (!/^\d+$/.test(cacheText ?? '0') || !Number.isSafeInteger(commandCacheOrgs) || commandCacheOrgs < 1) {
    throw new SettingsError(`COMMAND_CACHE_ORGS '${cacheText}' is not a whole number of orgs from 1`);
  }
  const natsCreds = env['NATS_CREDS']?.trim();
  return {
    natsUrl: env['NATS_URL']?.trim() || 'nats://127.0.0.1:4222',
    ...(natsCreds ? { natsCreds } : {}),
    eventStoreUrl: required(env, 'EVENT_STORE_URL'),
    readModelUrl: required(env, 'READ_MODEL_URL'),
    readModelNamespace: env['READ_MODEL_NAMESPACE']?.trim() || 'gwpool',
    heartbeatTtlMs,
    entitlements,
    commandCacheOrgs,
    ...observabilitySettings(env),
    ingestMaxRate: count(env, 'INGEST_MAX_RATE', 0, 0),
    ingestMaxQueued: count(env, 'INGEST_MAX_QUEUED', 1, DEFAULT_INGEST_MAX_QUEUED),
    ingestNice: count(env, 'INGEST_NICE', 0, DEFAULT_INGEST_NICE, 19),
    ...routingSettings(env),
    readWaitMs: count(env, 'READ_WAIT_MS', 1, DEFAULT_READ_WAIT_MS, MAX_READ_WAIT_MS),
  };
}

function duration(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined) throw new SettingsError(`${name} '${text}' is not a duration such as 5s, 10m or 1h`);
  return ms;
}

/** Load freshness, flap damping, passive ejection and alert cooldown (docs/design.md, "Routing rules"). */
function routingSettings(env: NodeJS.ProcessEnv) {
  const ejection: EjectionPolicy = {
    failuresToEject: wholeNumber(env, 'EJECT_AFTER', 1, 1_000) ?? DEFAULT_EJECTION_POLICY.failuresToEject,
    baseEjectionMs: duration(env, 'EJECTION_TIME', DEFAULT_EJECTION_POLICY.baseEjectionMs),
    maxEjectionMs: duration(env, 'EJECTION_MAX', DEFAULT_EJECTION_POLICY.maxEjectionMs),
  };
  if (ejection.maxEjectionMs < ejection.baseEjectionMs) {
    throw new SettingsError('EJECTION_MAX must be at least EJECTION_TIME');
  }
  const damping: DampingPolicy = {
    healthyAfter: wholeNumber(env, 'HEALTHY_AFTER', 1, 1_000) ?? NO_DAMPING.healthyAfter,
    unhealthyAfter: wholeNumber(env, 'UNHEALTHY_AFTER', 1, 1_000) ?? NO_DAMPING.unhealthyAfter,
  };
  return {
    heartbeatIntervalMs: duration(env, 'HEARTBEAT_INTERVAL', DEFAULT_HEARTBEAT_INTERVAL_MS),
    damping,
    ejection,
    alertCooldownMs: duration(env, 'ALERT_COOLDOWN', DEFAULT_ALERT_COOLDOWN_MS),
  };
}

export interface DashboardSettings {
  natsUrl: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Loopback unless told otherwise: the dashboard has no login of its own. */
  host: string;
  /** A `.creds` file when the transport enforces tenancy (a services-account credential). */
  natsCreds?: string;
}

/** The dashboard needs NATS only: it shows what the public API answers and the health stream publishes. */
export function loadDashboardSettings(env: NodeJS.ProcessEnv = process.env): DashboardSettings {
  const portText = env['DASHBOARD_PORT']?.trim() || '8080';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    throw new SettingsError(`DASHBOARD_PORT '${portText}' is not a port number from 0 to 65535`);
  }
  return {
    natsUrl: env['NATS_URL']?.trim() || 'nats://127.0.0.1:4222',
    port,
    host: env['DASHBOARD_HOST']?.trim() || '127.0.0.1',
    ...(env['NATS_CREDS']?.trim() ? { natsCreds: env['NATS_CREDS'].trim() } : {}),
  };
}
