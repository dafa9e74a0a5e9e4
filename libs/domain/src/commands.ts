import type { ConsumerTarget, ConsumerType } from './events.js';
import type { GatewayLiveness } from './health.js';
import type { RoutingStrategy } from './routing/routing-types.js';

/** Who asked, when, and in which conversation: set once by the edge, carried onto every event the command causes. */
export interface CommandMetadata {
  /** Epoch ms when the command was accepted: the only time any rule sees (the decider reads no clock). */
  now: number;
  /** Who acted: for a tenant, the name of the credential the server authenticated; else what a trusted caller said. */
  actor?: string;
  /** The public key of the tenant credential the server authenticated (recorded with the actor). */
  actorKey?: string;
  /**
   * The NATS account of a tenant caller, as the server reported it. A command that carries one is refused unless the
   * org is bound to that account; absent for trusted callers (the services' own account, or a bare server).
   */
  callerAccount?: string;
  correlationId: string;
  /** The cause the events of this command name: the id of the request that carried it. */
  causationId: string;
  /** W3C trace context of the request, when it carried a valid one (version-00 form); stored on the events. */
  traceparent?: string;
}

/** A command is plain data: what to do, with what, and its metadata. */
type Command<Type extends string, Data> = { type: Type; data: Data; metadata: CommandMetadata };

/** Registering again replaces the name, zone and tags (absent ones are cleared); tags in any order. */
export type RegisterGateway = Command<
  'RegisterGateway',
  { gatewayId: string; name?: string; zone?: string; tags?: string[] }
>;
export type DeregisterGateway = Command<'DeregisterGateway', { gatewayId: string }>;
export type DrainGateway = Command<'DrainGateway', { gatewayId: string; draining: boolean }>;
/** `maxMembers` 0 or absent: no limit. */
export type CreatePool = Command<
  'CreatePool',
  { poolId: string; name: string; description?: string; strategy?: RoutingStrategy; maxMembers?: number }
>;
/** Absent fields stay as they are; an empty description clears it, `maxMembers` 0 lifts the limit. */
export type UpdatePool = Command<
  'UpdatePool',
  { poolId: string; name?: string; description?: string; strategy?: RoutingStrategy; maxMembers?: number }
>;
export type DeletePool = Command<'DeletePool', { poolId: string }>;
export type AddPoolMember = Command<'AddPoolMember', { poolId: string; gatewayId: string }>;
export type RemovePoolMember = Command<'RemovePoolMember', { poolId: string; gatewayId: string }>;
/**
 * `liveness`: the last heartbeat of the org's gateways as the edge knew them when it built the command, looked up
 * before the decision (which of them are behind the target only the state decided on can tell). The rule judges the
 * target's at `metadata.now` with the heartbeat TTL; a gateway missing from it counts as unhealthy.
 */
export type AttachConsumer = Command<
  'AttachConsumer',
  { consumerId: string; consumerType: ConsumerType; target: ConsumerTarget; liveness: readonly GatewayLiveness[] }
>;
export type DetachConsumer = Command<'DetachConsumer', { consumerId: string }>;
export type SetEntitlement = Command<'SetEntitlement', { gatewayPools: boolean }>;
/** Voids a quarantined event of the org: refused unless `revision` is in the org's quarantine. */
export type VoidEvent = Command<'VoidEvent', { revision: number; reason: string }>;
/** Binds the org to the NATS account its tenants connect with (an operator's command). */
export type BindAccount = Command<'BindAccount', { accountPublicKey: string }>;

export type OrgCommand =
  | RegisterGateway
  | DeregisterGateway
  | DrainGateway
  | CreatePool
  | UpdatePool
  | DeletePool
  | AddPoolMember
  | RemovePoolMember
  | AttachConsumer
  | DetachConsumer
  | SetEntitlement
  | VoidEvent
  | BindAccount;

type WithoutMetadata<C> = C extends unknown ? Omit<C, 'metadata'> : never;
/** A command as the edge describes it before it stamps the metadata. */
export type OrgCommandData = WithoutMetadata<OrgCommand>;

/** Whether orgs need an operator's grant before they may use gateway pools. */
export type EntitlementPolicy = 'open' | 'enforced';
