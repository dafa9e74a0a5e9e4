import type { RoutingStrategy } from './routing/routing-types.js';

export const CONSUMER_TYPES = ['kubernetes-auth', 'dynamic-secret', 'pam', 'app-connection'] as const;
export type ConsumerType = (typeof CONSUMER_TYPES)[number];

export type ConsumerTarget = { kind: 'pool'; poolId: string } | { kind: 'gateway'; gatewayId: string };

type Event<Type extends string, Data> = { type: Type; data: Data };

export type OrgEntitlementSet = Event<'OrgEntitlementSet', { gatewayPools: boolean }>;
/** A gateway's attributes; `tags` sorted, without duplicates, and absent rather than empty. */
export interface GatewayAttributes {
  gatewayId: string;
  name?: string;
  zone?: string;
  tags?: string[];
}
export type GatewayRegistered = Event<'GatewayRegistered', GatewayAttributes>;
export type GatewayUpdated = Event<'GatewayUpdated', GatewayAttributes>;
export type GatewayDeregistered = Event<'GatewayDeregistered', { gatewayId: string }>;
/** Drain for maintenance: a draining gateway stays in its pools and gets picks only when nothing else is usable. */
export type GatewayDrainSet = Event<'GatewayDrainSet', { gatewayId: string; draining: boolean }>;
/** `strategy` absent: random; `maxMembers` absent: no limit. */
export type PoolCreated = Event<
  'PoolCreated',
  { poolId: string; name: string; description?: string; strategy?: RoutingStrategy; maxMembers?: number }
>;
export type PoolStrategyChanged = Event<'PoolStrategyChanged', { poolId: string; strategy: RoutingStrategy }>;
/** `maxMembers` absent: the limit is lifted. */
export type PoolCapacityChanged = Event<'PoolCapacityChanged', { poolId: string; maxMembers?: number }>;
export type PoolRenamed = Event<'PoolRenamed', { poolId: string; name: string; previousName: string }>;
export type PoolDescriptionChanged = Event<'PoolDescriptionChanged', { poolId: string; description?: string }>;
export type PoolDeleted = Event<'PoolDeleted', { poolId: string; name: string }>;
export type PoolMemberAdded = Event<'PoolMemberAdded', { poolId: string; gatewayId: string }>;
export type PoolMemberRemoved = Event<
  'PoolMemberRemoved',
  { poolId: string; gatewayId: string; reason: 'removed' | 'gateway-deregistered' }
>;
export type ConsumerAttached = Event<
  'ConsumerAttached',
  { consumerId: string; consumerType: ConsumerType; target: ConsumerTarget; previousTarget?: ConsumerTarget }
>;
export type ConsumerDetached = Event<'ConsumerDetached', { consumerId: string; previousTarget: ConsumerTarget }>;
/** An operator's repair: the org's event at `revision` was quarantined and is to be ignored from now on. */
export type EventVoided = Event<'EventVoided', { revision: number; reason: string }>;
/**
 * An operator bound the org to the NATS account its people, programs and gateways connect with (a public key, not a
 * secret): requests from that account may act for this org, and from no other tenant account.
 */
export type OrgAccountBound = Event<'OrgAccountBound', { accountPublicKey: string; previousAccountPublicKey?: string }>;

export type OrgEvent =
  | OrgEntitlementSet
  | GatewayRegistered
  | GatewayUpdated
  | GatewayDeregistered
  | GatewayDrainSet
  | PoolCreated
  | PoolRenamed
  | PoolDescriptionChanged
  | PoolStrategyChanged
  | PoolCapacityChanged
  | PoolDeleted
  | PoolMemberAdded
  | PoolMemberRemoved
  | ConsumerAttached
  | ConsumerDetached
  | EventVoided
  | OrgAccountBound;

export type OrgEventType = OrgEvent['type'];

export const ORG_EVENT_TYPES: readonly OrgEventType[] = [
  'OrgEntitlementSet',
  'GatewayRegistered',
  'GatewayUpdated',
  'GatewayDeregistered',
  'GatewayDrainSet',
  'PoolCreated',
  'PoolRenamed',
  'PoolDescriptionChanged',
  'PoolStrategyChanged',
  'PoolCapacityChanged',
  'PoolDeleted',
  'PoolMemberAdded',
  'PoolMemberRemoved',
  'ConsumerAttached',
  'ConsumerDetached',
  'EventVoided',
  'OrgAccountBound',
];

const EVENT_TYPE_SET = new Set<string>(ORG_EVENT_TYPES);
export const isOrgEventType = (type: string): type is OrgEventType => EVENT_TYPE_SET.has(type);

/**
 * Index, within one decided batch, of the event that caused each event (undefined: caused by the command).
 * A gateway leaving its pools is caused by its deregistration.
 */
export function causesWithinBatch(events: readonly OrgEvent[]): (number | undefined)[] {
  let deregisteredAt: number | undefined;
  return events.map((event, index) => {
    if (event.type === 'GatewayDeregistered') deregisteredAt = index;
    if (event.type === 'PoolMemberRemoved' && event.data.reason === 'gateway-deregistered') return deregisteredAt;
    return undefined;
  });
}
