import { orgFromHealthStreamId } from '../health-history.js';
import { isRecord } from '../shapes.js';

/** Which events an audit asks for: all given conditions hold (times in epoch ms, both ends inclusive). */
export interface AuditFilter {
  poolId?: string;
  gatewayId?: string;
  consumerId?: string;
  since?: number;
  until?: number;
}

/** One event as an audit shows it: when it happened, what it was, who and what caused it. */
export interface AuditEntry {
  position: string;
  at: string;
  type: string;
  actor?: string;
  correlationId?: string;
  causationId?: string;
  data: unknown;
}

interface Stored {
  streamId: string;
  position: string;
  type: string;
  data: unknown;
  metadata: { actor?: unknown; correlationId?: unknown; causationId?: unknown; occurredAt?: unknown };
}

/** A health transition happened at its `at`; any other event when its command was accepted. */
export function auditEntry(event: Stored): AuditEntry {
  const { actor, correlationId, causationId, occurredAt } = event.metadata;
  const data = isRecord(event.data) ? event.data : {};
  const at =
    orgFromHealthStreamId(event.streamId) !== undefined && typeof data['at'] === 'string' ? data['at'] : occurredAt;
  return {
    position: event.position,
    at: typeof at === 'string' ? at : '',
    type: event.type,
    ...(typeof actor === 'string' ? { actor } : {}),
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
    ...(typeof causationId === 'string' ? { causationId } : {}),
    data: event.data,
  };
}

const targetIs = (target: unknown, kind: 'pool' | 'gateway', id: string): boolean =>
  isRecord(target) && target['kind'] === kind && target[kind === 'pool' ? 'poolId' : 'gatewayId'] === id;

function names(data: Record<string, unknown>, field: 'poolId' | 'gatewayId', id: string): boolean {
  const kind = field === 'poolId' ? 'pool' : 'gateway';
  return data[field] === id || targetIs(data['target'], kind, id) || targetIs(data['previousTarget'], kind, id);
}

/**
 * Whether an audit with this filter shows the entry. An event about a pool's member (its health changing) shows
 * under the pool when the gateway was a member at that time: `memberAt(gatewayId, at)` says so.
 */
export function auditMatches(
  entry: AuditEntry,
  filter: AuditFilter,
  memberAt: (gatewayId: string, at: number) => boolean,
): boolean {
  const at = Date.parse(entry.at);
  if (filter.since !== undefined && !(at >= filter.since)) return false;
  if (filter.until !== undefined && !(at <= filter.until)) return false;
  const data = isRecord(entry.data) ? entry.data : {};
  if (filter.gatewayId !== undefined && !names(data, 'gatewayId', filter.gatewayId)) return false;
  if (filter.consumerId !== undefined && data['consumerId'] !== filter.consumerId) return false;
  if (filter.poolId !== undefined && !names(data, 'poolId', filter.poolId)) {
    const health = entry.type === 'GatewayBecameHealthy' || entry.type === 'GatewayBecameUnhealthy';
    if (!health || typeof data['gatewayId'] !== 'string' || !memberAt(data['gatewayId'], at)) return false;
  }
  return true;
}

/**
 * When each gateway was a member of the pool, from the org's events in order: [from, to] in epoch ms. The end is
 * inclusive: a transition at the instant a member leaves (its deregistration) still concerns the pool.
 */
export function membershipSpans(
  events: Iterable<{ type: string; data: unknown; metadata: { occurredAt?: unknown } }>,
  poolId: string,
): Map<string, [number, number][]> {
  const spans = new Map<string, [number, number][]>();
  for (const { type, data, metadata } of events) {
    if (!isRecord(data) || data['poolId'] !== poolId) continue;
    const at = typeof metadata.occurredAt === 'string' ? Date.parse(metadata.occurredAt) : NaN;
    if (type === 'PoolDeleted') {
      for (const list of spans.values()) for (const span of list) if (span[1] === Infinity) span[1] = at;
      continue;
    }
    if (typeof data['gatewayId'] !== 'string') continue;
    const list = spans.get(data['gatewayId']) ?? [];
    spans.set(data['gatewayId'], list);
    const open = list[list.length - 1];
    if (type === 'PoolMemberAdded' && (open === undefined || open[1] !== Infinity)) list.push([at, Infinity]);
    if (type === 'PoolMemberRemoved' && open !== undefined && open[1] === Infinity) open[1] = at;
  }
  return spans;
}

export const wasMember = (spans: Map<string, [number, number][]>, gatewayId: string, at: number): boolean =>
  (spans.get(gatewayId) ?? []).some(([from, to]) => at >= from && at <= to);
