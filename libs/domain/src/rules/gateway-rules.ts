import type { DeregisterGateway, DrainGateway, RegisterGateway } from '../commands.js';
import { conflict } from '../errors.js';
import type { GatewayAttributes, OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';
import { listed, requireGateway, shown } from './lookups.js';

/** Tags as they are kept: sorted, without duplicates; none is no list at all. */
export function canonicalTags(tags: readonly string[] | undefined): string[] | undefined {
  if (tags === undefined || tags.length === 0) return undefined;
  return [...new Set(tags)].sort();
}

const sameTags = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((tag, index) => tag === b?.[index]);

/**
 * Registering again is how a gateway changes its name, zone or tags; the same attributes (tags in any order) append
 * nothing. A drain outlives a re-registration: only `gateway.drain` ends it.
 */
export function decideRegisterGateway(command: RegisterGateway, state: OrgCatalog): OrgEvent[] {
  const { gatewayId, name, zone } = command.data;
  const tags = canonicalTags(command.data.tags);
  const data: GatewayAttributes = { gatewayId, name, zone, ...(tags ? { tags } : {}) };
  const existing = state.gateways.get(gatewayId);
  if (!existing) return [{ type: 'GatewayRegistered', data }];
  if (existing.name === name && existing.zone === zone && sameTags(existing.tags, tags)) return [];
  return [{ type: 'GatewayUpdated', data }];
}

/** Draining (or ending a drain) of a registered gateway; asking for what is already so appends nothing. */
export function decideDrainGateway(command: DrainGateway, state: OrgCatalog): OrgEvent[] {
  const gateway = requireGateway(state, command.data.gatewayId);
  const { draining } = command.data;
  if ((gateway.draining ?? false) === draining) return [];
  return [{ type: 'GatewayDrainSet', data: { gatewayId: gateway.gatewayId, draining } }];
}

/** A gateway leaves every pool with its deregistration, in one append; consumers routed to it directly block it. */
export function decideDeregisterGateway(command: DeregisterGateway, state: OrgCatalog): OrgEvent[] {
  const gateway = requireGateway(state, command.data.gatewayId);
  const users = [...state.consumers.values()].filter(
    (c) => c.target.kind === 'gateway' && c.target.gatewayId === gateway.gatewayId,
  );
  if (users.length > 0) {
    const ids = users.map((c) => c.consumerId);
    throw conflict(
      `gateway '${gateway.gatewayId}' is used directly by ${ids.length} consumer${ids.length === 1 ? '' : 's'} (${listed(ids)}); move or detach them first`,
      { gatewayId: gateway.gatewayId, consumerCount: ids.length, consumerIds: shown(ids) },
    );
  }
  return [
    { type: 'GatewayDeregistered', data: { gatewayId: gateway.gatewayId } },
    ...[...gateway.pools].map((poolId): OrgEvent => ({
      type: 'PoolMemberRemoved',
      data: { poolId, gatewayId: gateway.gatewayId, reason: 'gateway-deregistered' },
    })),
  ];
}
