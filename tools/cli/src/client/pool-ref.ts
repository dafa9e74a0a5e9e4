import type { PoolSummary } from '@gwpool/contracts/client';
import type { CliContext } from '../context.js';
import { ApiError } from '../errors.js';

/** A pool as the user named it, with its id for the API and its name for messages. */
export interface PoolRef {
  poolId: string;
  name: string;
}

// Pool ids are UUIDs made by the service; names are slugs of at most 32 characters, so the two never collide.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The pool a name or id stands for: by name first, then by id. */
export const findPool = (pools: readonly PoolSummary[], ref: string): PoolSummary | undefined =>
  pools.find((pool) => pool.name === ref) ?? pools.find((pool) => pool.poolId === ref);

/**
 * Resolves a pool name (or id) through `pool.list`, so nobody types UUIDs. A UUID is passed on as it is: the
 * service then answers NOT_FOUND itself for an unknown one.
 */
export async function resolvePool(ctx: CliContext, ref: string): Promise<PoolRef> {
  if (UUID.test(ref)) return { poolId: ref.toLowerCase(), name: ref };
  const { value } = await ctx.query<{ pools: PoolSummary[] }>('poolList');
  const pool = findPool(value.pools, ref);
  if (!pool) throw new ApiError({ code: 'NOT_FOUND', message: `no pool named '${ref}' in org '${ctx.org}'` });
  return { poolId: pool.poolId, name: pool.name };
}
