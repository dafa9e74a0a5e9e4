import type { DeregisterGateway, RegisterGateway } from '../commands.js';
import { conflict } from '../errors.js';
import type { OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';
import { listed, requireGateway, shown } from './lookups.js';

/** Registering again is how a gateway changes its name or zone; the same attributes append nothing. */
export function decideRegisterGateway(command: RegisterGateway, state: OrgCatalog): OrgEvent[] {
  const { gatewayId, name, zone } = command.data;
  const existing = state.gateways.get(gatewayId);
  if (!existing) return [{ type: 'GatewayRegistered', data: { gatewayId, name, zone } }];
  if (existing.name === name && existing.zone === zone) return [];
  return [{ type: 'GatewayUpdated', data: { gatewayId, name, zone } }];
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
