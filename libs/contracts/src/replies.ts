import { loadProblem } from './field-rules.js';
import {
  type AuditEntry,
  type CheckResult,
  type ConsumerType,
  isRecord,
  isToken,
  type PoolStatus,
} from '@gwpool/domain';

/** Pool and gateway views are the domain's own read shapes, sent as they are. */
export type { GatewayView, PoolDetails, PoolMemberView, PoolSummary } from '@gwpool/domain';

export type { AuditEntry } from '@gwpool/domain';

/** `next`, when present, goes into the next request's `after`. */
export interface AuditEventsReply {
  events: AuditEntry[];
  next?: string;
}

export interface ConsumerView {
  consumerId: string;
  consumerType: ConsumerType;
}

export interface PoolHealthUpdate {
  poolId: string;
  name: string;
  status: PoolStatus;
  healthy: number;
  total: number;
  at: string;
}

/** What `gwpool.v1.{org}.alert.{poolId}` carries: one transition of a pool's health, after the cooldown. */
export interface PoolAlertMessage {
  poolId: string;
  name: string;
  kind: 'down' | 'degraded' | 'recovered';
  status: PoolStatus;
  healthy: number;
  total: number;
  at: string;
}

/** The load a gateway reported in a heartbeat: whole numbers, `capacity` above 0 when given. */
export interface ReportedLoad {
  activeConnections: number;
  capacity?: number;
}

/**
 * One accepted heartbeat as heartbeat-ingest passes it on; `at` is the receive time in epoch ms. `load` travels with
 * the fact but is not stored: it is trusted for two heartbeat intervals only, so after a restart the next heartbeat
 * brings it back sooner than a stored one would stay fresh.
 */
export interface LivenessFact {
  org: string;
  gatewayId: string;
  at: number;
  check: CheckResult;
  load?: ReportedLoad;
}

export const MAX_HEARTBEAT_DETAIL = 1024;

/**
 * A liveness fact or record that may be stored or applied: token ids, a receive time, a check that is exactly
 * `passed` or `failed`, and at most a short detail. Anything else would fake or hide a gateway's health.
 */
export function isLivenessFact(value: unknown): value is LivenessFact & { detail?: string } {
  if (!isRecord(value)) return false;
  const { org, gatewayId, at, check, detail, load } = value;
  return (
    isToken(org) &&
    isToken(gatewayId) &&
    typeof at === 'number' &&
    Number.isSafeInteger(at) &&
    at >= 0 &&
    (check === 'passed' || check === 'failed') &&
    (detail === undefined || (typeof detail === 'string' && detail.length <= MAX_HEARTBEAT_DETAIL)) &&
    (load === undefined || loadProblem(load) === undefined)
  );
}

/** Carried by an org's query replies while events of its log are quarantined (see docs/api.md). */
export interface DegradedMarker {
  quarantinedEvents: number;
  message: string;
}

/**
 * The longest log position taken (`minPosition`, announcements). Both adapters' positions are two 64-bit numbers and a
 * separator (at most 41 characters); anything far longer is refused before a parser reads it.
 */
export const MAX_POSITION_CHARS = 64;

/** What pool-command announces on APPENDED_SUBJECT: the org and the log position that holds a command's effect. */
export interface AppendedNotice {
  org: string;
  position: string;
}

/** Its shape only; whether the position is one of this log's is the reader's to check. */
export function isAppendedNotice(value: unknown): value is AppendedNotice {
  if (!isRecord(value)) return false;
  const { org, position } = value;
  return isToken(org) && typeof position === 'string' && position.length > 0 && position.length <= MAX_POSITION_CHARS;
}

/** The reply to `gwpool.v1.admin.projections.rebuild`: the rebuild has started. */
export interface RebuildStarted {
  rebuildId: string;
  /** Where the views are being rebuilt. */
  namespace: string;
  generation: number;
  /** The views readers use until the swap. */
  previousNamespace: string;
  /** Where progress is published: `gwpool.v1.admin.projections.rebuild.progress.{rebuildId}`. */
  progressSubject: string;
}

export type RebuildState = 'replaying' | 'swapping' | 'done' | 'failed';

/** What a rebuild publishes on its progress subject, about twice a second and once when it ends. */
export interface RebuildProgress {
  rebuildId: string;
  state: RebuildState;
  namespace: string;
  previousNamespace: string;
  generation: number;
  /** Events of the log folded into the new views so far. */
  eventsReplayed: number;
  /** Those plus the events still to fold, as counted at the last report; the log grows while it runs. */
  eventsTotal: number;
  /** Since the rebuild started. */
  seconds: number;
  eventsPerSecond: number;
  /** Null until there is a rate to go by, and once replaying is over. */
  etaSeconds: number | null;
  /** `done`: the log position the new views stand at when readers were swapped over to them. */
  position?: string | null;
  /** `failed`: why; the readers stay on the previous views. */
  error?: { code: string; message: string };
}
