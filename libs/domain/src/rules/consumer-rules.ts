import type { AttachConsumer, DetachConsumer } from '../commands.js';
import type { DeciderOptions } from '../decider-options.js';
import { DomainError, notFound } from '../errors.js';
import type { ConsumerTarget, OrgEvent } from '../events.js';
import { type GatewayLiveness, isHealthy } from '../health.js';
import type { OrgCatalog } from '../org-catalog.js';
import { noHealthyGateway } from '../routing/direct-route.js';
import { requireGateway, requirePool } from './lookups.js';
import { assertGatewayPoolsEnabled } from './org-rules.js';

const sameTarget = (a: ConsumerTarget, b: ConsumerTarget): boolean =>
  a.kind === 'pool' ? b.kind === 'pool' && a.poolId === b.poolId : b.kind === 'gateway' && a.gatewayId === b.gatewayId;

function assertUsable(state: OrgCatalog, target: ConsumerTarget, healthy: ReadonlySet<string>): void {
  if (target.kind === 'gateway') {
    requireGateway(state, target.gatewayId);
    if (!healthy.has(target.gatewayId)) {
      throw new DomainError('NO_HEALTHY_GATEWAY', `gateway '${target.gatewayId}' is not healthy`, {
        gatewayId: target.gatewayId,
      });
    }
    return;
  }
  const pool = requirePool(state, target.poolId);
  let count = 0;
  for (const member of pool.members) if (healthy.has(member)) count += 1;
  if (count === 0) throw noHealthyGateway(pool, 0);
}

/** The gateways of `liveness` that are healthy at `now`: a heartbeat younger than the TTL whose check did not fail. */
function healthyAt(liveness: readonly GatewayLiveness[], now: number, ttlMs: number): Set<string> {
  const healthy = new Set<string>();
  for (const gateway of liveness) if (isHealthy(gateway, now, ttlMs)) healthy.add(gateway.gatewayId);
  return healthy;
}

/**
 * A consumer has exactly one target, which must be usable at the command's time; attaching it elsewhere moves it in
 * one event. Attaching it again to the same target with the same type is a no-op and skips the health check.
 */
export function decideAttachConsumer(command: AttachConsumer, state: OrgCatalog, options: DeciderOptions): OrgEvent[] {
  const { consumerId, consumerType, target, liveness } = command.data;
  if (target.kind === 'pool') {
    assertGatewayPoolsEnabled(state, options.entitlements);
    requirePool(state, target.poolId);
  } else {
    requireGateway(state, target.gatewayId);
  }
  const existing = state.consumers.get(consumerId);
  if (existing && existing.consumerType === consumerType && sameTarget(existing.target, target)) return [];
  assertUsable(state, target, healthyAt(liveness, command.metadata.now, options.heartbeatTtlMs));
  return [
    {
      type: 'ConsumerAttached',
      data: { consumerId, consumerType, target, ...(existing ? { previousTarget: existing.target } : {}) },
    },
  ];
}

export function decideDetachConsumer(command: DetachConsumer, state: OrgCatalog): OrgEvent[] {
  const existing = state.consumers.get(command.data.consumerId);
  if (!existing) {
    throw notFound(`consumer '${command.data.consumerId}' not found in org '${state.org}'`, {
      consumerId: command.data.consumerId,
    });
  }
  return [{ type: 'ConsumerDetached', data: { consumerId: existing.consumerId, previousTarget: existing.target } }];
}
