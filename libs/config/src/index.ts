import { DEFAULT_HEARTBEAT_TTL_MS, type EntitlementPolicy, parseDuration } from '@gwpool/domain';

export interface Settings {
  natsUrl: string;
  eventStoreUrl: string;
  readModelUrl: string;
  /** Which set of views to read and write (a rebuild writes a fresh namespace). */
  readModelNamespace: string;
  heartbeatTtlMs: number;
  entitlements: EntitlementPolicy;
  /** How many orgs' catalogs pool-command keeps cached; the least recently used one goes past it. */
  commandCacheOrgs: number;
}

export const DEFAULT_COMMAND_CACHE_ORGS = 1000;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SettingsError(`${name} is not set`);
  return value;
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
  return {
    natsUrl: env['NATS_URL']?.trim() || 'nats://127.0.0.1:4222',
    eventStoreUrl: required(env, 'EVENT_STORE_URL'),
    readModelUrl: required(env, 'READ_MODEL_URL'),
    readModelNamespace: env['READ_MODEL_NAMESPACE']?.trim() || 'gwpool',
    heartbeatTtlMs,
    entitlements,
    commandCacheOrgs,
  };
}
