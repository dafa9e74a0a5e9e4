import { conflict } from '../errors.js';

/** A pool's size as the capacity rule sees it; no `maxMembers` means no limit. */
export interface PoolCapacity {
  readonly poolId: string;
  readonly name: string;
  readonly members: number;
  readonly maxMembers?: number;
}

/**
 * Refuses to add a member past `maxMembers` with CONFLICT naming the limit. Call it only for a gateway that is
 * not a member yet: re-adding a member adds nothing.
 */
export function assertRoomForMember(pool: PoolCapacity): void {
  const { maxMembers, members } = pool;
  if (maxMembers === undefined || members < maxMembers) return;
  throw conflict(`pool '${pool.name}' is full: it allows at most ${maxMembers} members and has ${members}`, {
    poolId: pool.poolId,
    maxMembers,
    members,
  });
}

/**
 * Lowering `maxMembers` below the current count is allowed and removes nobody, as with scaling a gateway fleet
 * down: the pool only refuses new members until it is back under the limit. Views show the excess.
 */
export const overCapacity = (pool: PoolCapacity): number =>
  pool.maxMembers === undefined ? 0 : Math.max(0, pool.members - pool.maxMembers);
