// Test helpers for the decider specs only; not exported from the domain.
import {
  cloneCatalog,
  type CommandMetadata,
  DomainError,
  foldCatalog,
  type ConsumerTarget,
  type ConsumerType,
  type DomainErrorCode,
  type EntitlementPolicy,
  type GatewayLiveness,
  type OrgCommand,
  type OrgCommandData,
  orgCatalogDecider,
  type OrgEvent,
} from '../index.js';

export const ORG = 'acme';
/** The time every command of the specs is accepted at, and the heartbeat TTL the rules judge with. */
export const NOW = Date.UTC(2026, 0, 1, 12);
export const TTL_MS = 30_000;

export const OPTIONS = { entitlements: 'open', heartbeatTtlMs: TTL_MS } as const;

export const metadata = (now = NOW): CommandMetadata => ({ now, correlationId: 'corr-1', causationId: 'req-1' });

/** The command with the specs' metadata, unless it carries its own. */
export const stamped = (command: OrgCommandData | OrgCommand): OrgCommand =>
  'metadata' in command ? command : { ...command, metadata: metadata() };

/** Given a history, when a command is decided, then these events (or this refusal). */
export function given(history: readonly OrgEvent[], options: { org?: string; policy?: EntitlementPolicy } = {}) {
  const state = foldCatalog(options.org ?? ORG, history);
  const decider = orgCatalogDecider({ entitlements: options.policy ?? 'open', heartbeatTtlMs: TTL_MS });
  return {
    when(command: OrgCommandData | OrgCommand) {
      const before = cloneCatalog(state);
      const run = (): OrgEvent[] => {
        try {
          return decider.decide(stamped(command), state);
        } finally {
          // Followers and the command cache fold in place, so a decide that mutated would corrupt a cached catalog.
          expect(state).toEqual(before);
        }
      };
      return {
        then(expected: readonly OrgEvent[]): void {
          expect(run()).toEqual(expected);
        },
        thenRefuses(code: DomainErrorCode, ...fragments: string[]): DomainError {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect(error.code).toBe(code);
          for (const fragment of fragments) expect(error.message).toContain(fragment);
          return error;
        },
      };
    },
  };
}

export const entitlementSet = (gatewayPools: boolean): OrgEvent => ({
  type: 'OrgEntitlementSet',
  data: { gatewayPools },
});
export const gatewayRegistered = (gatewayId: string, name?: string, zone?: string): OrgEvent => ({
  type: 'GatewayRegistered',
  data: { gatewayId, name, zone },
});
export const gatewayUpdated = (gatewayId: string, name?: string, zone?: string): OrgEvent => ({
  type: 'GatewayUpdated',
  data: { gatewayId, name, zone },
});
export const gatewayDeregistered = (gatewayId: string): OrgEvent => ({
  type: 'GatewayDeregistered',
  data: { gatewayId },
});
export const poolCreated = (poolId: string, name: string, description?: string): OrgEvent => ({
  type: 'PoolCreated',
  data: { poolId, name, ...(description === undefined ? {} : { description }) },
});
export const poolRenamed = (poolId: string, name: string, previousName: string): OrgEvent => ({
  type: 'PoolRenamed',
  data: { poolId, name, previousName },
});
export const descriptionChanged = (poolId: string, description?: string): OrgEvent => ({
  type: 'PoolDescriptionChanged',
  data: { poolId, ...(description === undefined ? {} : { description }) },
});
export const poolDeleted = (poolId: string, name: string): OrgEvent => ({
  type: 'PoolDeleted',
  data: { poolId, name },
});
export const memberAdded = (poolId: string, gatewayId: string): OrgEvent => ({
  type: 'PoolMemberAdded',
  data: { poolId, gatewayId },
});
export const memberRemoved = (
  poolId: string,
  gatewayId: string,
  reason: 'removed' | 'gateway-deregistered' = 'removed',
): OrgEvent => ({ type: 'PoolMemberRemoved', data: { poolId, gatewayId, reason } });
export const consumerAttached = (
  consumerId: string,
  target: ConsumerTarget,
  previousTarget?: ConsumerTarget,
  consumerType: ConsumerType = 'kubernetes-auth',
): OrgEvent => ({
  type: 'ConsumerAttached',
  data: { consumerId, consumerType, target, ...(previousTarget ? { previousTarget } : {}) },
});
export const consumerDetached = (consumerId: string, previousTarget: ConsumerTarget): OrgEvent => ({
  type: 'ConsumerDetached',
  data: { consumerId, previousTarget },
});

export const pool = (poolId: string): ConsumerTarget => ({ kind: 'pool', poolId });
export const gateway = (gatewayId: string): ConsumerTarget => ({ kind: 'gateway', gatewayId });

/** A heartbeat that keeps the gateway healthy at NOW. */
export const beatJustNow = (gatewayId: string): GatewayLiveness => ({ gatewayId, at: NOW - 1000, check: 'passed' });

/** Attaches with the given gateways healthy (a passed heartbeat a second before NOW) and no liveness for the others. */
export const attach = (
  consumerId: string,
  target: ConsumerTarget,
  healthyGatewayIds: readonly string[],
  consumerType: ConsumerType = 'kubernetes-auth',
): OrgCommandData => ({
  type: 'AttachConsumer',
  data: { consumerId, consumerType, target, liveness: healthyGatewayIds.map(beatJustNow) },
});

/** Pool p-eu ('edge-eu') holds gw-1 and gw-2; gw-3 is registered but in no pool. */
export const edgeEu: OrgEvent[] = [
  gatewayRegistered('gw-1', 'alpha', 'eu-west-1a'),
  gatewayRegistered('gw-2', 'beta', 'eu-west-1b'),
  gatewayRegistered('gw-3'),
  poolCreated('p-eu', 'edge-eu', 'EU edge'),
  memberAdded('p-eu', 'gw-1'),
  memberAdded('p-eu', 'gw-2'),
];
