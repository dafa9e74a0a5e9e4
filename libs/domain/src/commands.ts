import type { ConsumerTarget, ConsumerType } from './events.js';

type Command<Type extends string, Data> = { type: Type; data: Data };

export type RegisterGateway = Command<'RegisterGateway', { gatewayId: string; name?: string; zone?: string }>;
export type DeregisterGateway = Command<'DeregisterGateway', { gatewayId: string }>;
export type CreatePool = Command<'CreatePool', { poolId: string; name: string; description?: string }>;
export type UpdatePool = Command<'UpdatePool', { poolId: string; name?: string; description?: string }>;
export type DeletePool = Command<'DeletePool', { poolId: string }>;
export type AddPoolMember = Command<'AddPoolMember', { poolId: string; gatewayId: string }>;
export type RemovePoolMember = Command<'RemovePoolMember', { poolId: string; gatewayId: string }>;
/** healthyGatewayIds: which of the target's gateways were healthy when the command was built. */
export type AttachConsumer = Command<
  'AttachConsumer',
  { consumerId: string; consumerType: ConsumerType; target: ConsumerTarget; healthyGatewayIds: readonly string[] }
>;
export type DetachConsumer = Command<'DetachConsumer', { consumerId: string }>;
export type SetEntitlement = Command<'SetEntitlement', { gatewayPools: boolean }>;
/** Voids a quarantined event of the org: refused unless `revision` is in the org's quarantine. */
export type VoidEvent = Command<'VoidEvent', { revision: number; reason: string }>;

export type OrgCommand =
  | RegisterGateway
  | DeregisterGateway
  | CreatePool
  | UpdatePool
  | DeletePool
  | AddPoolMember
  | RemovePoolMember
  | AttachConsumer
  | DetachConsumer
  | SetEntitlement
  | VoidEvent;

/** Whether orgs need an operator's grant before they may use gateway pools. */
export type EntitlementPolicy = 'open' | 'enforced';
