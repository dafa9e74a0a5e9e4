import type { OrgCommand } from './commands.js';
import { DomainError } from './errors.js';
import { CONSUMER_TYPES } from './events.js';
import { LIMITS } from './event-schemas.js';
import { ROUTING_STRATEGIES } from './routing/routing-types.js';
import { traceparentRule } from './trace-context.js';
import {
  accountKey,
  arrayOf,
  bool,
  byKind,
  intRange,
  nested,
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

const target = byKind({
  pool: { required: { kind: oneOf(['pool']), poolId: token } },
  gateway: { required: { kind: oneOf(['gateway']), gatewayId: token } },
});

const liveness = nested({ required: { gatewayId: token, at: wholeNumber, check: oneOf(['passed', 'failed']) } });

const METADATA: Shape = {
  required: {
    now: wholeNumber,
    correlationId: text(1, LIMITS.metadataText),
    causationId: text(1, LIMITS.metadataText),
  },
  optional: {
    actor: text(1, LIMITS.metadataText),
    actorKey: userKey,
    callerAccount: accountKey,
    traceparent: traceparentRule,
  },
};

/**
 * The domain's second line of defence: whatever the edge let through, a command whose fields have the wrong type or
 * break the token and slug rules is refused. Nothing is converted: a number, boolean, null, array or object never
 * becomes a string.
 */
const routing = { strategy: oneOf(ROUTING_STRATEGIES), maxMembers: intRange(0, LIMITS.maxMembers) };

const COMMAND_SHAPES: Readonly<Record<OrgCommand['type'], Shape>> = {
  RegisterGateway: {
    required: { gatewayId: token },
    optional: { name: text(0, LIMITS.gatewayName), zone: token, tags: tokenList(LIMITS.tags) },
  },
  DeregisterGateway: { required: { gatewayId: token } },
  DrainGateway: { required: { gatewayId: token, draining: bool } },
  CreatePool: {
    required: { poolId: token, name: slug },
    optional: { description: text(0, LIMITS.description), ...routing },
  },
  UpdatePool: {
    required: { poolId: token },
    optional: { name: slug, description: text(0, LIMITS.description), ...routing },
  },
  DeletePool: { required: { poolId: token } },
  AddPoolMember: { required: { poolId: token, gatewayId: token } },
  RemovePoolMember: { required: { poolId: token, gatewayId: token } },
  AttachConsumer: {
    required: { consumerId: token, consumerType: oneOf(CONSUMER_TYPES), target, liveness: arrayOf(liveness) },
  },
  DetachConsumer: { required: { consumerId: token } },
  SetEntitlement: { required: { gatewayPools: bool } },
  VoidEvent: { required: { revision: wholeNumber, reason: text(1, LIMITS.reason) } },
  BindAccount: { required: { accountPublicKey: accountKey } },
};

export function assertValidCommand(command: OrgCommand): void {
  const type: unknown = (command as { type?: unknown }).type;
  const shape =
    typeof type === 'string' && Object.hasOwn(COMMAND_SHAPES, type) ? COMMAND_SHAPES[command.type] : undefined;
  // A type no decider knows is a bug in the caller's code, not bad input.
  if (!shape) throw new Error(`unhandled command ${JSON.stringify(String(type)).slice(0, 80)}`);
  // The edge stamps the metadata from what it has checked: a bad one is a bug in the caller's code, not bad input.
  const metadataProblem = shapeProblem((command as { metadata?: unknown }).metadata, METADATA);
  if (metadataProblem) {
    throw new Error(`invalid command metadata: ${metadataProblem.field || 'metadata'} ${metadataProblem.why}`);
  }
  const problem = shapeProblem(command.data, shape);
  if (problem) {
    const field = problem.field || 'data';
    throw new DomainError('VALIDATION_FAILED', `invalid request: ${field} ${problem.why}`, {
      fields: { [field]: `${field} ${problem.why}` },
    });
  }
}
