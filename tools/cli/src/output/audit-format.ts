// Pure formatting of audit entries for people: one line per event, no I/O, colour only through the `Paint` given.
import type { AuditEntry } from '@gwpool/contracts/client';
import type { Paint, Style } from './format.js';

export const AUDIT_HEAD = ['AT', 'EVENT', 'SUBJECT', 'DETAIL', 'ACTOR'];

const field = (data: unknown, key: string): string | undefined => {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
};

const target = (data: unknown, key: string, poolNames: ReadonlyMap<string, string>): string | undefined => {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  const pool = field(value, 'poolId');
  const gateway = field(value, 'gatewayId');
  if (pool !== undefined) return `pool ${poolNames.get(pool) ?? pool}`;
  return gateway !== undefined ? `gateway ${gateway}` : undefined;
};

const STYLE: Record<string, Style> = { GatewayBecameHealthy: 'green', GatewayBecameUnhealthy: 'red' };

/** What the event is about: the gateway, pool or consumer it names. */
function subjectOf(entry: AuditEntry, poolNames: ReadonlyMap<string, string>): string {
  const { data } = entry;
  const consumer = field(data, 'consumerId');
  if (consumer !== undefined) return `consumer ${consumer}`;
  const gateway = field(data, 'gatewayId');
  const poolId = field(data, 'poolId');
  const pool = poolId === undefined ? undefined : `pool ${field(data, 'name') ?? poolNames.get(poolId) ?? poolId}`;
  if (gateway !== undefined && pool !== undefined) return `${pool} / ${gateway}`;
  return gateway !== undefined ? `gateway ${gateway}` : (pool ?? '-');
}

function detailOf(entry: AuditEntry, poolNames: ReadonlyMap<string, string>): string {
  const { data } = entry;
  switch (entry.type) {
    case 'GatewayBecameUnhealthy':
    case 'PoolMemberRemoved':
    case 'EventVoided':
      return field(data, 'reason') ?? '';
    case 'PoolRenamed':
      return `was ${field(data, 'previousName') ?? '?'}`;
    case 'ConsumerAttached': {
      const from = target(data, 'previousTarget', poolNames);
      const to = target(data, 'target', poolNames) ?? '?';
      return `${field(data, 'consumerType') ?? ''} -> ${to}${from ? ` (was ${from})` : ''}`;
    }
    case 'ConsumerDetached':
      return `from ${target(data, 'previousTarget', poolNames) ?? '?'}`;
    case 'GatewayRegistered':
    case 'GatewayUpdated':
      return [field(data, 'name'), field(data, 'zone')].filter(Boolean).join(', ');
    case 'OrgEntitlementSet':
      return `gateway pools ${field(data, 'gatewayPools') === 'true' ? 'granted' : 'revoked'}`;
    default:
      return field(data, 'description') ?? '';
  }
}

/** One table row per event. */
export const auditRow = (entry: AuditEntry, paint: Paint, poolNames: ReadonlyMap<string, string>): string[] => {
  const style = STYLE[entry.type];
  return [
    entry.at,
    style ? paint(style, entry.type) : entry.type,
    subjectOf(entry, poolNames),
    detailOf(entry, poolNames) || '-',
    entry.actor ?? '-',
  ];
};

/** One line per event, for `gwpool events tail`. */
export const tailLine = (entry: AuditEntry, paint: Paint, poolNames: ReadonlyMap<string, string>): string =>
  auditRow(entry, paint, poolNames)
    .filter((cell, index) => index < 3 || cell !== '-')
    .join('  ');
