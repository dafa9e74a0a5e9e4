import type { GatewayView, PoolDetails, PoolSummary } from '@gwpool/contracts/client';
import {
  age,
  degradedWarning,
  formatDuration,
  gatewayBadge,
  gatewayRow,
  memberRow,
  plain,
  plural,
  poolBadge,
  poolFacts,
  poolHeadline,
  poolRow,
  watchLine,
} from './format.js';
import { ansi } from './terminal.js';

const now = Date.parse('2025-11-25T16:21:20.000Z');
const ESC = '\u001b[';

const pool: PoolSummary = {
  poolId: '3f0c9a52-6b1e-4d7e-9a1c-2f4b8e7d1a90',
  name: 'edge-eu',
  status: 'yellow',
  healthy: 2,
  total: 3,
  consumerCount: 1,
};
const gateway: GatewayView = {
  gatewayId: 'gw-eu-1',
  name: 'Frankfurt 1',
  zone: 'eu-central-1a',
  healthy: true,
  lastHeartbeatAt: '2025-11-25T16:21:08.000Z',
  lastCheck: 'passed',
  pools: [pool.poolId, 'gone-pool'],
};

describe('ages', () => {
  it.each([
    [null, 'never'],
    ['2025-11-25T16:21:19.600Z', 'just now'],
    ['2025-11-25T16:21:25.000Z', 'just now'],
    ['2025-11-25T16:21:08.000Z', '12s ago'],
    ['2025-11-25T16:20:20.000Z', '1m ago'],
    ['2025-11-25T13:00:00.000Z', '3h ago'],
    ['2025-11-23T16:21:20.000Z', '2d ago'],
    ['not a time', 'unknown'],
  ])('shows a heartbeat at %s as "%s"', (at, expected) => {
    expect(age(at, now)).toBe(expected);
  });

  it.each([
    [250, '250ms'],
    [5000, '5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [7_500_000, '2h5m'],
    [100_800_000, '1d4h'],
  ])('writes %d ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('badges', () => {
  it('names the status in words, so that it reads the same without colour', () => {
    expect(poolBadge('green', plain)).toBe('● green');
    expect(poolBadge('red', plain)).toBe('● red');
    expect(gatewayBadge(true, plain)).toBe('● healthy');
    expect(gatewayBadge(false, plain)).toBe('● unhealthy');
  });

  it('colours a badge by its status only when given a colour painter', () => {
    expect(poolBadge('yellow', ansi)).toBe(`${ESC}33m● yellow${ESC}39m`);
    expect(poolBadge('green', ansi)).toBe(`${ESC}32m● green${ESC}39m`);
    expect(gatewayBadge(false, ansi)).toBe(`${ESC}31m● unhealthy${ESC}39m`);
    expect(poolBadge('yellow', plain)).not.toContain(ESC);
  });
});

describe('table rows without colour', () => {
  it('shows a pool as name, badge, healthy count, members and consumers', () => {
    expect(poolRow(pool, plain)).toEqual(['edge-eu', '● yellow', '2/3 healthy', '3', '1']);
  });

  it('shows a member with zone, last check and heartbeat age, and a dash for what it lacks', () => {
    expect(memberRow(gateway, now, plain)).toEqual([
      'gw-eu-1',
      'Frankfurt 1',
      'eu-central-1a',
      '● healthy',
      'passed',
      '12s ago',
    ]);
    const silent = { gatewayId: 'gw-new', healthy: false, lastHeartbeatAt: null, lastCheck: null };
    expect(memberRow(silent, now, plain)).toEqual(['gw-new', '-', '-', '● unhealthy', '-', 'never']);
  });

  it('counts a gateway’s pools, or names them and keeps the ids it cannot name', () => {
    expect(gatewayRow(gateway, now, plain)).toEqual(['gw-eu-1', 'Frankfurt 1', 'eu-central-1a', '● healthy', '2']);
    const names = new Map([[pool.poolId, 'edge-eu']]);
    expect(gatewayRow(gateway, now, plain, names).at(-1)).toBe('edge-eu, gone-pool');
    expect(gatewayRow({ ...gateway, pools: [] }, now, plain, names).at(-1)).toBe('-');
  });

  it('sums a pool up in one line, with words in the singular where they should be', () => {
    expect(poolHeadline(pool, plain)).toBe('edge-eu  ● yellow  2/3 healthy  3 members  1 consumer');
    expect(plural(0, 'consumer')).toBe('0 consumers');
  });

  it('aligns a pool’s id and description', () => {
    const details: PoolDetails = { ...pool, description: 'EU edge', strategy: 'random', members: [] };
    expect(poolFacts(details, plain)).toEqual([
      'id           3f0c9a52-6b1e-4d7e-9a1c-2f4b8e7d1a90',
      'description  EU edge',
    ]);
    expect(poolFacts({ ...details, description: undefined }, plain)).toEqual([`id  ${pool.poolId}`]);
  });
});

describe('degraded orgs', () => {
  it('finds the warning a query reply carries while events of the org are quarantined', () => {
    const message = "org 'acme' has 1 quarantined event in its log that could not be applied";
    expect(degradedWarning({ pools: [], degraded: { quarantinedEvents: 1, message } })).toBe(message);
  });

  it('finds none in a reply without it, or in something that is not a reply', () => {
    expect(degradedWarning({ pools: [] })).toBeUndefined();
    expect(degradedWarning({ degraded: { message: 3 } })).toBeUndefined();
    expect(degradedWarning(null)).toBeUndefined();
    expect(degradedWarning(undefined)).toBeUndefined();
  });
});

describe('watch lines', () => {
  it('shows a health update with its org, pool name, badge and the time the projector stamped', () => {
    const update = JSON.stringify({ ...pool, at: '2025-11-25T16:21:07.412Z' });
    expect(watchLine(`gwpool.v1.acme.health.${pool.poolId}`, update, now, plain)).toBe(
      '16:21:07.412Z  acme/edge-eu  ● yellow  2/3 healthy',
    );
  });

  it('shows any other message as its subject and body, at the time it arrived', () => {
    expect(watchLine('gwpool.v1.acme.health.x', 'not json', now, plain)).toBe(
      '16:21:20.000Z  gwpool.v1.acme.health.x  not json',
    );
    expect(watchLine('other.subject', 'null', now, plain)).toBe('16:21:20.000Z  other.subject  null');
  });
});
