import { notFound } from '../errors.js';
import type { GatewayState, OrgCatalog, PoolState } from '../org-catalog.js';

const IN_USE_SHOWN = 5;

/** The first few ids, for messages about what still uses something. */
export const listed = (ids: readonly string[]): string =>
  ids.slice(0, IN_USE_SHOWN).join(', ') + (ids.length > IN_USE_SHOWN ? ', …' : '');

/** As many ids as a refusal's details carry. */
export const shown = (ids: readonly string[]): string[] => ids.slice(0, IN_USE_SHOWN);

export function requirePool(state: OrgCatalog, poolId: string): PoolState {
  const pool = state.pools.get(poolId);
  if (!pool) throw notFound(`pool '${poolId}' not found in org '${state.org}'`, { poolId });
  return pool;
}

export function requireGateway(state: OrgCatalog, gatewayId: string): GatewayState {
  const gateway = state.gateways.get(gatewayId);
  if (!gateway) throw notFound(`gateway '${gatewayId}' is not registered in org '${state.org}'`, { gatewayId });
  return gateway;
}
