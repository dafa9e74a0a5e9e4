import type { PoolSummary } from '@gwpool/contracts/client';
import { findPool } from './pool-ref.js';

const summary = (poolId: string, name: string): PoolSummary => ({
  poolId,
  name,
  status: 'red',
  healthy: 0,
  total: 0,
  consumerCount: 0,
});

describe('naming pools', () => {
  const pools = [summary('id-1', 'edge-eu'), summary('id-2', 'edge-us'), summary('edge-eu-x', 'id-1')];

  it('finds a pool by its name', () => {
    expect(findPool(pools, 'edge-us')?.poolId).toBe('id-2');
  });

  it('finds a pool by its id', () => {
    expect(findPool(pools, 'edge-eu-x')?.name).toBe('id-1');
  });

  it('prefers the name when a name equals another pool’s id', () => {
    expect(findPool(pools, 'id-1')?.poolId).toBe('edge-eu-x');
  });

  it('finds nothing for an unknown name', () => {
    expect(findPool(pools, 'edge-ap')).toBeUndefined();
  });
});
