import { Gauge, type Registry } from 'prom-client';

/** One pool's health, as the projector last computed it. */
export interface PoolHealthRow {
  org: string;
  status: 'green' | 'yellow' | 'red';
  healthy: number;
  total: number;
}

/** The label value that gathers every org beyond the limit. Not a valid org token, so no org can be called so. */
export const OTHER_ORGS = '(other)';
const STATUSES = ['green', 'yellow', 'red'] as const;

interface OrgTotals {
  pools: Record<PoolHealthRow['status'], number>;
  poolCount: number;
  healthy: number;
  total: number;
}

const emptyTotals = (): OrgTotals => ({ pools: { green: 0, yellow: 0, red: 0 }, poolCount: 0, healthy: 0, total: 0 });

/**
 * Pools by status and members healthy and in total, per org. The org label is capped: the `orgLimit` orgs with most
 * pools (ties by name) keep their name, all others are summed under `(other)`. So the series are at most
 * (orgLimit + 1) × 5 whatever the fleet, and a scrape costs one pass over the pools already computed.
 */
export function aggregatePools(rows: Iterable<PoolHealthRow>, orgLimit: number): Map<string, OrgTotals> {
  const byOrg = new Map<string, OrgTotals>();
  for (const row of rows) {
    let totals = byOrg.get(row.org);
    if (!totals) byOrg.set(row.org, (totals = emptyTotals()));
    totals.pools[row.status] += 1;
    totals.poolCount += 1;
    totals.healthy += row.healthy;
    totals.total += row.total;
  }
  if (byOrg.size <= orgLimit) return byOrg;
  const ranked = [...byOrg].sort(([a, x], [b, y]) => y.poolCount - x.poolCount || (a < b ? -1 : a > b ? 1 : 0));
  const capped = new Map(ranked.slice(0, orgLimit));
  const other = emptyTotals();
  for (const [, totals] of ranked.slice(orgLimit)) {
    for (const status of STATUSES) other.pools[status] += totals.pools[status];
    other.poolCount += totals.poolCount;
    other.healthy += totals.healthy;
    other.total += totals.total;
  }
  capped.set(OTHER_ORGS, other);
  return capped;
}

/** Registers the projector's pool gauges; `rows` is read at each scrape. */
export function registerPoolGauges(registry: Registry, rows: () => Iterable<PoolHealthRow>, orgLimit: number): void {
  let latest = new Map<string, OrgTotals>();
  let latestAt = 0;
  // The three gauges are collected one after the other in one scrape: aggregate once.
  const totals = () => {
    const now = Date.now();
    if (now - latestAt > 100) {
      latest = aggregatePools(rows(), orgLimit);
      latestAt = now;
    }
    return latest;
  };
  new Gauge({
    name: 'gwpool_pools',
    help: `Pools by org and status (green, yellow, red); orgs beyond the ${orgLimit} with most pools are summed as ${OTHER_ORGS}.`,
    labelNames: ['org', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [org, t] of totals()) for (const status of STATUSES) this.labels(org, status).set(t.pools[status]);
    },
  });
  new Gauge({
    name: 'gwpool_pool_members',
    help: 'Pool memberships by org (a gateway in two pools counts twice); orgs capped as for gwpool_pools.',
    labelNames: ['org'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [org, t] of totals()) this.labels(org).set(t.total);
    },
  });
  new Gauge({
    name: 'gwpool_pool_members_healthy',
    help: 'Healthy pool memberships by org; orgs capped as for gwpool_pools.',
    labelNames: ['org'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [org, t] of totals()) this.labels(org).set(t.healthy);
    },
  });
}
