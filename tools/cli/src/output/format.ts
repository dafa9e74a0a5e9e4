// Pure formatting of API replies for people: no I/O, no clock, colour only through the `Paint` given.
import type {
  DegradedMarker,
  GatewayView,
  PoolDetails,
  PoolHealthUpdate,
  PoolMemberView,
  PoolSummary,
} from '@gwpool/contracts/client';
import type { PoolStatus } from '@gwpool/domain';

export type Style = 'green' | 'yellow' | 'red' | 'bold' | 'dim';
/** Wraps text in a style; `plain` when colour is off, so the same code renders both. */
export type Paint = (style: Style, text: string) => string;
export const plain: Paint = (_style, text) => text;

const STATUS_STYLE: Record<PoolStatus, Style> = { green: 'green', yellow: 'yellow', red: 'red' };

export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

const grouped = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => grouped.format(Math.round(n));

/** A duration for people: `250ms`, `5s`, `1m30s`, `2h5m`, `3d4h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const [big, small, units] =
    s < 3600
      ? [Math.floor(s / 60), s % 60, ['m', 's']]
      : s < 86_400
        ? [Math.floor(s / 3600), Math.floor((s % 3600) / 60), ['h', 'm']]
        : [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), ['d', 'h']];
  return small === 0 ? `${big}${units[0]}` : `${big}${units[0]}${small}${units[1]}`;
}

/** How long ago an ISO time was: `just now`, `12s ago`, `5m ago`, `3h ago`, `2d ago`; `never` for null. */
export function age(at: string | null, now: number): string {
  if (at === null) return 'never';
  const ms = now - Date.parse(at);
  if (Number.isNaN(ms)) return 'unknown';
  // A server clock slightly ahead of ours would give a negative age.
  if (ms < 1000) return 'just now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export const poolBadge = (status: PoolStatus, paint: Paint): string => paint(STATUS_STYLE[status], `● ${status}`);
export const healthyOf = (healthy: number, total: number): string => `${healthy}/${total} healthy`;
export const gatewayBadge = (healthy: boolean, paint: Paint): string =>
  healthy ? paint('green', '● healthy') : paint('red', '● unhealthy');
const orDash = (value: string | null | undefined): string =>
  value === undefined || value === null || value === '' ? '-' : value;

export const POOL_HEAD = ['NAME', 'STATUS', 'HEALTH', 'MEMBERS', 'CONSUMERS'];
export const poolRow = (pool: PoolSummary, paint: Paint): string[] => [
  pool.name,
  poolBadge(pool.status, paint),
  healthyOf(pool.healthy, pool.total),
  String(pool.total),
  String(pool.consumerCount),
];

export const MEMBER_HEAD = ['GATEWAY', 'NAME', 'ZONE', 'HEALTH', 'LAST CHECK', 'HEARTBEAT'];
export const memberRow = (member: PoolMemberView, now: number, paint: Paint): string[] => [
  member.gatewayId,
  orDash(member.name),
  orDash(member.zone),
  gatewayBadge(member.healthy, paint),
  orDash(member.lastCheck),
  age(member.lastHeartbeatAt, now),
];

export const gatewayHead = (verbose: boolean): string[] =>
  verbose ? MEMBER_HEAD.concat('POOLS') : ['GATEWAY', 'NAME', 'ZONE', 'HEALTH', 'POOLS'];

/** With `poolNames`, pools are named (ids of pools it cannot name are kept); without, counted. */
export function gatewayRow(
  gateway: GatewayView,
  now: number,
  paint: Paint,
  poolNames?: ReadonlyMap<string, string>,
): string[] {
  const pools = poolNames
    ? orDash(gateway.pools.map((id) => poolNames.get(id) ?? id).join(', '))
    : String(gateway.pools.length);
  if (!poolNames)
    return [gateway.gatewayId, orDash(gateway.name), orDash(gateway.zone), gatewayBadge(gateway.healthy, paint), pools];
  return [...memberRow(gateway, now, paint), pools];
}

/** The first line about a pool in `pools get` and `pools list --verbose`. */
export const poolHeadline = (pool: PoolSummary, paint: Paint): string =>
  [
    paint('bold', pool.name),
    poolBadge(pool.status, paint),
    healthyOf(pool.healthy, pool.total),
    plural(pool.total, 'member'),
    plural(pool.consumerCount, 'consumer'),
  ].join('  ');

/** The lines under a pool's headline before its members: its id and description, keys aligned. */
export function poolFacts(pool: PoolDetails, paint: Paint): string[] {
  const facts: [string, string][] = [['id', pool.poolId]];
  if (pool.description) facts.push(['description', pool.description]);
  const width = Math.max(...facts.map(([key]) => key.length));
  return facts.map(([key, value]) => `${paint('dim', key.padEnd(width))}  ${value}`);
}

/** The warning a query reply carries while events of the org's log are quarantined (docs/api.md), if any. */
export function degradedWarning(reply: unknown): string | undefined {
  const degraded = (reply as { degraded?: Partial<DegradedMarker> } | null | undefined)?.degraded;
  return typeof degraded?.message === 'string' ? degraded.message : undefined;
}

/** The time of day, UTC, to the millisecond: `16:21:07.412Z`. */
const clock = (at: number): string => new Date(at).toISOString().slice(11, 24);

/** A health update as one line, at the time the projector stamped on it; any other message as subject and body. */
export function watchLine(subject: string, text: string, now: number, paint: Paint): string {
  const parts = subject.split('.');
  if (parts[3] === 'health') {
    try {
      const update = JSON.parse(text) as PoolHealthUpdate;
      const at = Date.parse(update.at);
      if (typeof update.name === 'string' && ['green', 'yellow', 'red'].includes(update.status))
        return `${clock(Number.isNaN(at) ? now : at)}  ${parts[2]}/${update.name}  ${poolBadge(update.status, paint)}  ${healthyOf(update.healthy, update.total)}`;
    } catch {
      // not a health update after all: printed as it is below
    }
  }
  return `${clock(now)}  ${subject}  ${text}`;
}
