import { assertRoomForMember, DomainError, overCapacity, type PoolCapacity } from '../index.js';

const pool = (members: number, maxMembers?: number): PoolCapacity => ({
  poolId: 'pool-1',
  name: 'edge-eu',
  members,
  ...(maxMembers === undefined ? {} : { maxMembers }),
});

function refusal(capacity: PoolCapacity): DomainError | undefined {
  try {
    assertRoomForMember(capacity);
    return undefined;
  } catch (error) {
    return error as DomainError;
  }
}

describe('maxMembers', () => {
  it('lets a pool without a limit grow', () => {
    expect(refusal(pool(10_000))).toBeUndefined();
  });

  it('lets a pool grow up to its limit', () => {
    expect(refusal(pool(0, 3))).toBeUndefined();
    expect(refusal(pool(2, 3))).toBeUndefined();
  });

  it('refuses a member past the limit with CONFLICT, naming the limit', () => {
    const error = refusal(pool(3, 3));
    expect(error).toBeInstanceOf(DomainError);
    expect(error?.code).toBe('CONFLICT');
    expect(error?.message).toBe("pool 'edge-eu' is full: it allows at most 3 members and has 3");
    expect(error?.details).toEqual({ poolId: 'pool-1', maxMembers: 3, members: 3 });
  });

  it('keeps every member when the limit is lowered below the count, and refuses new ones until under it', () => {
    expect(overCapacity(pool(5, 3))).toBe(2);
    expect(refusal(pool(5, 3))?.message).toBe("pool 'edge-eu' is full: it allows at most 3 members and has 5");
    expect(overCapacity(pool(2, 3))).toBe(0);
    expect(overCapacity(pool(9))).toBe(0);
  });
});
