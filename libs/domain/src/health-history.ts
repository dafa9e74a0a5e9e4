import { healthyUntil, isHealthy, type Liveness } from './health.js';
import { isoTime, oneOf, type Shape, shapeProblem, token } from './shapes.js';

/**
 * A gateway's health transitions, recorded in their own stream per org so that heartbeat-driven history never slows
 * the org's command stream. Only transitions are recorded, never a heartbeat: a gateway that never sent one is
 * unhealthy without any event, and its first healthy heartbeat is its first transition.
 */
export const HEALTH_STREAM_PREFIX = 'gwpool-health-';
export const healthStreamId = (org: string): string => `${HEALTH_STREAM_PREFIX}${org}`;
export const orgFromHealthStreamId = (streamId: string): string | undefined =>
  streamId.startsWith(HEALTH_STREAM_PREFIX) ? streamId.slice(HEALTH_STREAM_PREFIX.length) : undefined;

export const UNHEALTHY_REASONS = ['check-failed', 'heartbeat-expired', 'deregistered'] as const;
export type UnhealthyReason = (typeof UNHEALTHY_REASONS)[number];

/** `at`: when it happened (the heartbeat's receive time, the TTL's end, the deregistration), ISO-8601 UTC. */
export type GatewayBecameHealthy = { type: 'GatewayBecameHealthy'; data: { gatewayId: string; at: string } };
export type GatewayBecameUnhealthy = {
  type: 'GatewayBecameUnhealthy';
  data: { gatewayId: string; reason: UnhealthyReason; at: string };
};
export type HealthEvent = GatewayBecameHealthy | GatewayBecameUnhealthy;
export type HealthEventType = HealthEvent['type'];

export const HEALTH_EVENT_SCHEMAS: Readonly<Record<HealthEventType, Shape>> = {
  GatewayBecameHealthy: { required: { gatewayId: token, at: isoTime } },
  GatewayBecameUnhealthy: { required: { gatewayId: token, reason: oneOf(UNHEALTHY_REASONS), at: isoTime } },
};

/** Why a health event's type and data break its schema, or undefined when it is a valid HealthEvent. */
export function healthEventSchemaError(type: unknown, data: unknown): string | undefined {
  if (typeof type !== 'string' || !Object.hasOwn(HEALTH_EVENT_SCHEMAS, type)) {
    return `unknown health event type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 64) : typeof type)}`;
  }
  const problem = shapeProblem(data, HEALTH_EVENT_SCHEMAS[type as HealthEventType]);
  return problem && `${type}: data${problem.field ? `.${problem.field}` : ''} ${problem.why}`;
}

export const isValidHealthEvent = (event: { type: unknown; data: unknown }): event is HealthEvent =>
  healthEventSchemaError(event.type, event.data) === undefined;

/** The last recorded health of a gateway and when that transition happened (epoch ms). */
export interface RecordedHealth {
  healthy: boolean;
  at: number;
  reason?: UnhealthyReason;
}

/** An org's recorded health: per gateway, the state its last transition left. Absent means never healthy. */
export type HealthHistory = Map<string, RecordedHealth>;

/** Folds one health event in place; an invalid one changes nothing (the port refuses to store one). */
export function evolveHealth(history: HealthHistory, event: { type: unknown; data: unknown }): HealthHistory {
  if (!isValidHealthEvent(event)) return history;
  const at = Date.parse(event.data.at);
  if (event.type === 'GatewayBecameHealthy') history.set(event.data.gatewayId, { healthy: true, at });
  else history.set(event.data.gatewayId, { healthy: false, at, reason: event.data.reason });
  return history;
}

export const recordedHealthy = (history: HealthHistory, gatewayId: string): boolean =>
  history.get(gatewayId)?.healthy === true;

export interface HealthInputs {
  /** The org's registered gateways. */
  registered: Iterable<string>;
  liveness: (gatewayId: string) => Liveness | undefined;
  /** When a gateway that is no longer registered was deregistered, when known (epoch ms). */
  deregisteredAt: (gatewayId: string) => number | undefined;
  now: number;
  ttlMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The transitions to record so that the history agrees with the gateways' health at `now`. A transition needs
 * evidence newer than the last one recorded (a heartbeat, a TTL's end, a deregistration): a writer whose liveness
 * lags behind another's never records an older state over a newer one.
 */
export function healthTransitions(history: HealthHistory, inputs: HealthInputs): HealthEvent[] {
  const events: HealthEvent[] = [];
  const registered = new Set<string>();
  for (const gatewayId of inputs.registered) {
    registered.add(gatewayId);
    const event = transitionOf(history, gatewayId, inputs);
    if (event) events.push(event);
  }
  const { now } = inputs;
  for (const [gatewayId, last] of history) {
    if (!last.healthy || registered.has(gatewayId)) continue;
    const at = Math.max(inputs.deregisteredAt(gatewayId) ?? now, last.at);
    events.push({ type: 'GatewayBecameUnhealthy', data: { gatewayId, reason: 'deregistered', at: iso(at) } });
  }
  return events;
}

/**
 * The transitions of only the registered gateways among `beating` (those that just sent a heartbeat), with the same
 * rules as `healthTransitions`: what a batch of heartbeats changed costs what the batch holds, not what the org
 * holds. Expiries and deregistrations of the others are left to the next full round.
 */
export function beatTransitions(
  history: HealthHistory,
  inputs: Pick<HealthInputs, 'liveness' | 'now' | 'ttlMs'> & { isRegistered: (gatewayId: string) => boolean },
  beating: Iterable<string>,
): HealthEvent[] {
  const events: HealthEvent[] = [];
  for (const gatewayId of new Set(beating)) {
    if (!inputs.isRegistered(gatewayId)) continue;
    const event = transitionOf(history, gatewayId, inputs);
    if (event) events.push(event);
  }
  return events;
}

function transitionOf(
  history: HealthHistory,
  gatewayId: string,
  { liveness, now, ttlMs }: Pick<HealthInputs, 'liveness' | 'now' | 'ttlMs'>,
): HealthEvent | undefined {
  const last = history.get(gatewayId);
  const seen = liveness(gatewayId);
  const healthy = isHealthy(seen, now, ttlMs);
  if (healthy === (last?.healthy ?? false)) return undefined;
  if (healthy && seen) {
    if (last === undefined || seen.at > last.at)
      return { type: 'GatewayBecameHealthy', data: { gatewayId, at: iso(seen.at) } };
    return undefined;
  }
  const failed = seen !== undefined && seen.check === 'failed';
  // No known heartbeat at all (the stored liveness was lost): it expired, and now is the best time known.
  const at = seen === undefined ? now : failed ? seen.at : Math.min(healthyUntil(seen, ttlMs), now);
  if (last !== undefined && at <= last.at) return undefined;
  const reason: UnhealthyReason = failed ? 'check-failed' : 'heartbeat-expired';
  return { type: 'GatewayBecameUnhealthy', data: { gatewayId, reason, at: iso(at) } };
}
