import { aggregatePools, OTHER_ORGS, type PoolHealthRow } from './pool-gauges.js';

const pools = (org: string, count: number, status: PoolHealthRow['status'] = 'green'): PoolHealthRow[] =>
  Array.from({ length: count }, () => ({ org, status, healthy: status === 'red' ? 0 : 2, total: 2 }));

describe('pool gauges per org', () => {
  it('count pools by status and members healthy and in total, per org', () => {
    const totals = aggregatePools(
      [...pools('acme', 2), ...pools('acme', 1, 'red'), ...pools('globex', 1, 'yellow')],
      10,
    );

    expect(totals.get('acme')).toEqual({ pools: { green: 2, yellow: 0, red: 1 }, poolCount: 3, healthy: 4, total: 6 });
    expect(totals.get('globex')?.pools.yellow).toBe(1);
    expect(totals.has(OTHER_ORGS)).toBe(false);
  });

  it('keep the orgs with most pools by name and sum the rest as (other), ties by name', () => {
    const rows = [
      ...pools('small', 1),
      ...pools('big', 5),
      ...pools('mid-b', 3),
      ...pools('mid-a', 3),
      ...pools('tiny', 1, 'red'),
    ];

    const totals = aggregatePools(rows, 3);

    expect([...totals.keys()]).toEqual(['big', 'mid-a', 'mid-b', OTHER_ORGS]);
    expect(totals.get(OTHER_ORGS)).toEqual({
      pools: { green: 1, yellow: 0, red: 1 },
      poolCount: 2,
      healthy: 2,
      total: 4,
    });
  });

  it('name the bucket with a value no org token can take', () => {
    expect(/^[A-Za-z0-9_-]{1,64}$/.test(OTHER_ORGS)).toBe(false);
  });
});
