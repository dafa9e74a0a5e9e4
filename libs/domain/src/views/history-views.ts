import { evolveHealth, type HealthHistory, recordedHealthy } from '../health-history.js';
import { initialCatalog, type OrgCatalog, type PoolState } from '../org-catalog.js';
import { applyRecordedInPlace, type RecordedOrgEvent } from '../quarantine.js';
import { DEFAULT_ROUTING_STRATEGY } from '../routing/routing-types.js';
import { isRecord } from '../shapes.js';
import { type PoolDetails, type PoolMemberView, type PoolSummary, poolSummaryFrom } from './health-views.js';

type Dated = { metadata: { occurredAt?: unknown } };

const occurredAt = (event: Dated): number =>
  typeof event.metadata.occurredAt === 'string' ? Date.parse(event.metadata.occurredAt) : NaN;

/**
 * The org's catalog as it stood at `at` (epoch ms): its events accepted at or before then, folded in order. `existed`
 * is false when the org had no event yet, so the caller can tell "before the org" from "an empty org".
 */
export function catalogAt(
  org: string,
  events: Iterable<RecordedOrgEvent & Dated>,
  at: number,
): { catalog: OrgCatalog; existed: boolean } {
  const catalog = initialCatalog(org);
  let existed = false;
  for (const event of events) {
    // An org's stream is appended in command order, so its times only grow: the rest is later still.
    if (!(occurredAt(event) <= at)) break;
    applyRecordedInPlace(catalog, event);
    existed = true;
  }
  return { catalog, existed };
}

/** Each gateway's recorded health at `at`: the transitions that had happened by then. */
export function healthAt(events: Iterable<{ type: string; data: unknown }>, at: number): HealthHistory {
  const history: HealthHistory = new Map();
  for (const event of events) {
    const when = isRecord(event.data) && typeof event.data['at'] === 'string' ? Date.parse(event.data['at']) : NaN;
    if (when <= at) evolveHealth(history, event);
  }
  return history;
}

export const poolSummaryAt = (pool: PoolState, history: HealthHistory): PoolSummary =>
  poolSummaryFrom(pool, (gatewayId) => recordedHealthy(history, gatewayId));

/**
 * A member as of a past instant, from the recorded transitions: heartbeats are not in the log, so `lastHeartbeatAt`
 * is null, and `lastCheck` is what the last transition implies (`passed` when healthy, `failed` after a failed check).
 */
function memberAt(catalog: OrgCatalog, gatewayId: string, history: HealthHistory): PoolMemberView {
  const gateway = catalog.gateways.get(gatewayId);
  const last = history.get(gatewayId);
  const lastCheck = last?.healthy ? 'passed' : last?.reason === 'check-failed' ? 'failed' : null;
  return {
    gatewayId,
    ...(gateway?.name !== undefined ? { name: gateway.name } : {}),
    ...(gateway?.zone !== undefined ? { zone: gateway.zone } : {}),
    healthy: last?.healthy === true,
    lastHeartbeatAt: null,
    lastCheck,
  };
}

export function poolDetailsAt(catalog: OrgCatalog, pool: PoolState, history: HealthHistory): PoolDetails {
  return {
    ...poolSummaryAt(pool, history),
    ...(pool.description !== undefined ? { description: pool.description } : {}),
    strategy: pool.strategy ?? DEFAULT_ROUTING_STRATEGY,
    ...(pool.maxMembers !== undefined ? { maxMembers: pool.maxMembers } : {}),
    members: [...pool.members].map((gatewayId) => memberAt(catalog, gatewayId, history)),
  };
}
