import { healthEventSchemaError, orgFromHealthStreamId } from './health-history.js';
import { traceparentRule } from './trace-context.js';
import { CONSUMER_TYPES, type OrgEvent, type OrgEventType } from './events.js';
import { ROUTING_STRATEGIES } from './routing/routing-types.js';
import {
  accountKey,
  bool,
  byKind,
  intRange,
  isoTime,
  isRecord,
  oneOf,
  type Shape,
  shapeProblem,
  slug,
  text,
  token,
  tokenList,
  userKey,
  wholeNumber,
} from './shapes.js';

/** The field limits of the public API (docs/api.md), which every stored event keeps too. */
export const LIMITS = {
  gatewayName: 128,
  description: 256,
  reason: 256,
  metadataText: 256,
  /** Tags of one gateway. */
  tags: 16,
  /** The highest `maxMembers` a pool may set. */
  maxMembers: 1_000_000,
} as const;

const target = byKind({
  pool: { required: { kind: oneOf(['pool']), poolId: token } },
  gateway: { required: { kind: oneOf(['gateway']), gatewayId: token } },
});

const gateway: Shape = {
  required: { gatewayId: token },
  optional: { name: text(0, LIMITS.gatewayName), zone: token, tags: tokenList(LIMITS.tags, { canonical: true }) },
};

const strategy = oneOf(ROUTING_STRATEGIES);
const maxMembers = intRange(1, LIMITS.maxMembers);

/** One schema per event type: required fields, exact types, token and slug rules, no extra keys. */
export const EVENT_SCHEMAS: Readonly<Record<OrgEventType, Shape>> = {
  OrgEntitlementSet: { required: { gatewayPools: bool } },
  GatewayRegistered: gateway,
  GatewayUpdated: gateway,
  GatewayDeregistered: { required: { gatewayId: token } },
  GatewayDrainSet: { required: { gatewayId: token, draining: bool } },
  PoolCreated: {
    required: { poolId: token, name: slug },
    optional: { description: text(1, LIMITS.description), strategy, maxMembers },
  },
  PoolRenamed: { required: { poolId: token, name: slug, previousName: slug } },
  PoolDescriptionChanged: { required: { poolId: token }, optional: { description: text(1, LIMITS.description) } },
  PoolStrategyChanged: { required: { poolId: token, strategy } },
  PoolCapacityChanged: { required: { poolId: token }, optional: { maxMembers } },
  PoolDeleted: { required: { poolId: token, name: slug } },
  PoolMemberAdded: { required: { poolId: token, gatewayId: token } },
  PoolMemberRemoved: {
    required: { poolId: token, gatewayId: token, reason: oneOf(['removed', 'gateway-deregistered']) },
  },
  ConsumerAttached: {
    required: { consumerId: token, consumerType: oneOf(CONSUMER_TYPES), target },
    optional: { previousTarget: target },
  },
  ConsumerDetached: { required: { consumerId: token, previousTarget: target } },
  EventVoided: { required: { revision: wholeNumber, reason: text(1, LIMITS.reason) } },
  OrgAccountBound: { required: { accountPublicKey: accountKey }, optional: { previousAccountPublicKey: accountKey } },
};

const METADATA: Shape = {
  required: {
    correlationId: text(1, LIMITS.metadataText),
    causationId: text(1, LIMITS.metadataText),
    occurredAt: isoTime,
  },
  // actorKey: the public key of the credential the server authenticated, when a tenant acted.
  optional: { actor: text(1, LIMITS.metadataText), actorKey: userKey, traceparent: traceparentRule },
};

const explain = (where: string, problem: { field: string; why: string }): string =>
  problem.field ? `${where}.${problem.field} ${problem.why}` : `${where} ${problem.why}`;

/** Why an event's type and data break its schema, or undefined when it is a valid OrgEvent. */
export function eventSchemaError(type: unknown, data: unknown): string | undefined {
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, type)) {
    return `unknown event type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 64) : typeof type)}`;
  }
  const problem = shapeProblem(data, EVENT_SCHEMAS[type as OrgEventType]);
  return problem && `${type}: ${explain('data', problem)}`;
}

/** Why the metadata of an event about to be stored is malformed, or undefined. */
export function metadataSchemaError(metadata: unknown): string | undefined {
  const problem = shapeProblem(metadata, METADATA);
  return problem && explain('metadata', problem);
}

/**
 * The check the event-log port runs before every append: data by type, and the metadata. A health stream holds only
 * health events, every other stream only org events.
 */
export const storedEventError = (
  event: { type: unknown; data: unknown; metadata: unknown },
  streamId = '',
): string | undefined =>
  (orgFromHealthStreamId(streamId) !== undefined
    ? healthEventSchemaError(event.type, event.data)
    : eventSchemaError(event.type, event.data)) ?? metadataSchemaError(event.metadata);

export const isValidOrgEvent = (event: { type: unknown; data: unknown }): event is OrgEvent =>
  isRecord(event) && eventSchemaError(event.type, event.data) === undefined;
