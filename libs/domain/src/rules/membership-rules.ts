import type { AddPoolMember, EntitlementPolicy, RemovePoolMember } from '../commands.js';
import { notFound } from '../errors.js';
import type { OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';
import { assertRoomForMember } from '../routing/member-capacity.js';
import { requireGateway, requirePool } from './lookups.js';
import { assertGatewayPoolsEnabled } from './org-rules.js';

/** Only a registered gateway can join a pool, and only while the pool is under `maxMembers`; joining again adds nothing. */
export function decideAddPoolMember(command: AddPoolMember, state: OrgCatalog, policy: EntitlementPolicy): OrgEvent[] {
  assertGatewayPoolsEnabled(state, policy);
  const pool = requirePool(state, command.data.poolId);
  requireGateway(state, command.data.gatewayId);
  if (pool.members.has(command.data.gatewayId)) return [];
  assertRoomForMember({ poolId: pool.poolId, name: pool.name, members: pool.members.size, maxMembers: pool.maxMembers });
  return [{ type: 'PoolMemberAdded', data: { poolId: pool.poolId, gatewayId: command.data.gatewayId } }];
}

export function decideRemovePoolMember(
  command: RemovePoolMember,
  state: OrgCatalog,
  policy: EntitlementPolicy,
): OrgEvent[] {
  assertGatewayPoolsEnabled(state, policy);
  const pool = requirePool(state, command.data.poolId);
  const { gatewayId } = command.data;
  if (!pool.members.has(gatewayId)) {
    throw notFound(`gateway '${gatewayId}' is not a member of pool '${pool.name}'`, {
      poolId: pool.poolId,
      gatewayId,
    });
  }
  return [{ type: 'PoolMemberRemoved', data: { poolId: pool.poolId, gatewayId, reason: 'removed' } }];
}
