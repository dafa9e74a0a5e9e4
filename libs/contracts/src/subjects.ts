import { isToken } from '@gwpool/domain';

/** Version prefix of the public NATS API; a breaking change gets a new prefix. */
export const API = 'gwpool.v1';

/** Handler patterns: `*` stands for the org token. */
export const COMMAND_SUBJECTS = {
  gatewayRegister: `${API}.*.cmd.gateway.register`,
  gatewayDeregister: `${API}.*.cmd.gateway.deregister`,
  gatewayDrain: `${API}.*.cmd.gateway.drain`,
  poolCreate: `${API}.*.cmd.pool.create`,
  poolUpdate: `${API}.*.cmd.pool.update`,
  poolDelete: `${API}.*.cmd.pool.delete`,
  poolMemberAdd: `${API}.*.cmd.pool.member.add`,
  poolMemberRemove: `${API}.*.cmd.pool.member.remove`,
  consumerAttach: `${API}.*.cmd.consumer.attach`,
  consumerDetach: `${API}.*.cmd.consumer.detach`,
} as const;

export const QUERY_SUBJECTS = {
  poolGet: `${API}.*.query.pool.get`,
  poolList: `${API}.*.query.pool.list`,
  poolConsumers: `${API}.*.query.pool.consumers`,
  gatewayList: `${API}.*.query.gateway.list`,
  routePick: `${API}.*.query.route.pick`,
  routeResolve: `${API}.*.query.route.resolve`,
} as const;

/** Callers report what they saw of a gateway a pick gave them: a plain publish, or a request answered `{}`. */
export const ROUTE_REPORT_SUBJECT = `${API}.*.route.report`;
export const routeReportSubject = (org: string): string => `${API}.${org}.route.report`;

/** Read from the event log, not the views; answered by the projector, off routing-query's hot path. */
export const AUDIT_SUBJECTS = {
  events: `${API}.*.query.audit.events`,
} as const;

/**
 * Time travel (`at` on pool.get and pool.list): routing-query checks the request and passes it here, to the projector,
 * which reads the log; routing-query never reads history itself. Internal: not part of the public API.
 */
export const HISTORY_SUBJECT_PATTERN = 'gwpool.internal.history.*.*';
export const historySubject = (org: string, query: 'pool-get' | 'pool-list'): string =>
  `gwpool.internal.history.${org}.${query}`;

export const ADMIN_SUBJECTS = {
  entitlementSet: `${API}.admin.entitlement.set`,
  projectorStatus: `${API}.admin.projector.status`,
  ingestStats: `${API}.admin.heartbeat-ingest.stats`,
  eventVoid: `${API}.admin.event.void`,
  orgAccountSet: `${API}.admin.org.account.set`,
  /** Answered by the projector that holds the writer lease: starts a rebuild of every view into a fresh namespace. */
  projectionsRebuild: `${API}.admin.projections.rebuild`,
  /** `progressSubject(rebuildId)`: what the rebuild publishes while it runs, and once when it ends. */
  projectionsRebuildProgress: `${API}.admin.projections.rebuild.progress.*`,
} as const;

export const rebuildProgressSubject = (rebuildId: string): string =>
  `${API}.admin.projections.rebuild.progress.${rebuildId}`;

export const HEARTBEAT_SUBJECT_PATTERN = `${API}.*.heartbeat.*`;
export const heartbeatSubject = (org: string, gatewayId: string): string => `${API}.${org}.heartbeat.${gatewayId}`;
export const healthSubject = (org: string, poolId: string): string => `${API}.${org}.health.${poolId}`;
/** Alerts on a pool's health transitions, at most one per kind per cooldown. */
export const alertSubject = (org: string, poolId: string): string => `${API}.${org}.alert.${poolId}`;
export const commandSubject = (org: string, name: string): string => `${API}.${org}.cmd.${name}`;
export const querySubject = (org: string, name: string): string => `${API}.${org}.query.${name}`;

/**
 * Liveness facts from heartbeat-ingest to every service that keeps health in memory.
 * Outside `gwpool.v1` on purpose: it is not part of the public API.
 */
export const LIVENESS_FACTS_SUBJECT = 'gwpool.internal.liveness';

/**
 * Caller reports, stamped once by the routing-query instance that took them, to every instance (itself included),
 * so that each applies every report. Not part of the public API.
 */
export const ROUTE_REPORTS_SUBJECT = 'gwpool.internal.route-reports';

/**
 * `{org, position}` from pool-command, published before each command's reply: the position a reader must have
 * applied to show the command. A hint for read-your-writes, never the data itself (see docs/design.md).
 */
export const APPENDED_SUBJECT = 'gwpool.internal.appended';

/**
 * `{namespace, generation, position}` from the projector that swapped the readers over to rebuilt views. A hint: each
 * service reads the views pointer back from the read model and follows what is stored there, never the message.
 */
export const VIEWS_SWAPPED_SUBJECT = 'gwpool.internal.views.swapped';

/**
 * Org tokens that name operator subjects (`gwpool.v1.admin.…`): no tenant may be called so,
 * or a permission on its own subjects would grant the operator's.
 */
export const RESERVED_ORGS: ReadonlySet<string> = new Set(['admin']);

/** The org token of `gwpool.v1.{org}.…`, or undefined when the subject does not carry a valid one. */
export function orgOfSubject(subject: string): string | undefined {
  const start = API.length + 1;
  const end = subject.indexOf('.', start);
  if (!subject.startsWith(`${API}.`) || end < 0) return undefined;
  const org = subject.slice(start, end);
  return isToken(org) ? org : undefined;
}

/** `{org, gatewayId}` of a heartbeat subject. */
export function parseHeartbeatSubject(subject: string): { org: string; gatewayId: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 5 || `${parts[0]}.${parts[1]}` !== API || parts[3] !== 'heartbeat') return undefined;
  const [, , org, , gatewayId] = parts;
  return isToken(org) && isToken(gatewayId) && !RESERVED_ORGS.has(org) ? { org, gatewayId } : undefined;
}
