import { API } from '@gwpool/contracts';

export type ExportKind = 'service' | 'stream';

/** One slice of the public API that the services account exports and each org account imports for itself. */
export interface TenantExport {
  name: string;
  kind: ExportKind;
  /** The export, for every org: `*` stands for the org token. */
  pattern: string;
  /**
   * Whether the import shares the caller's identity: the server then adds user key, JWT name and tags to
   * `Nats-Request-Info`. Only where the services record who acted; elsewhere `acc` alone is enough for the
   * org check, and the header stays small (it carries the whole user JWT when shared).
   */
  share: boolean;
}

/**
 * Every export is private (an activation token is required), and every org's token names its own subjects only,
 * so no org account can ever import another org's slice.
 */
export const TENANT_EXPORTS: readonly TenantExport[] = [
  { name: 'cmd', kind: 'service', pattern: `${API}.*.cmd.>`, share: true },
  { name: 'query', kind: 'service', pattern: `${API}.*.query.>`, share: false },
  { name: 'heartbeat', kind: 'service', pattern: `${API}.*.heartbeat.*`, share: false },
  { name: 'route-report', kind: 'service', pattern: `${API}.*.route.report`, share: true },
  { name: 'health', kind: 'stream', pattern: `${API}.*.health.*`, share: false },
  { name: 'alert', kind: 'stream', pattern: `${API}.*.alert.*`, share: false },
];

/** The org's own slice of an export pattern: `gwpool.v1.*.cmd.>` → `gwpool.v1.acme.cmd.>`. */
export function orgSubject(pattern: string, org: string): string {
  const prefix = `${API}.*.`;
  if (!pattern.startsWith(prefix)) throw new Error(`'${pattern}' is not an org pattern under ${API}`);
  return `${API}.${org}.${pattern.slice(prefix.length)}`;
}

/** The default inbox prefix of every NATS client: request/reply needs a subscription under it. */
export const INBOX = '_INBOX.>';

/** Operator subjects and internal subjects: the services account only. */
export const OPERATOR_SUBJECTS = `${API}.admin.>`;
export const INTERNAL_SUBJECTS = 'gwpool.internal.>';

/** The system-account subject a full resolver takes account JWT updates on. */
export const CLAIMS_UPDATE_SUBJECT = '$SYS.REQ.CLAIMS.UPDATE';
