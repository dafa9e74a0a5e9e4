import {
  AUDIT_SUBJECTS,
  type AuditEntry,
  type AuditEventsReply,
  type ConsumerView,
  type GatewayView,
  type PoolDetails,
  type PoolSummary,
  querySubject,
} from '@gwpool/contracts';
import type { NatsConnection } from '@nats-io/transport-node';

/** Pools shown in detail; an org with more shows the first ones by name and says how many there are. */
const MAX_POOLS = 200;
const TIMEOUT_MS = 3000;

export interface PoolCard extends PoolDetails {
  consumers: ConsumerView[];
}

/** Everything the page shows of an org, as one consistent-enough picture taken from the public API. */
export interface OrgSnapshot {
  org: string;
  at: string;
  pools: PoolCard[];
  poolCount: number;
  gateways: GatewayView[];
  transitions: AuditEntry[];
  /** Why pools are not shown (the org lacks the entitlement), when so. */
  poolsUnavailable?: string;
  degraded?: string;
}

type Reply<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Reads an org through the public NATS API, as any client would. */
export class OrgReader {
  constructor(private readonly nc: NatsConnection) {}

  async request<T>(subject: string, body: object): Promise<Reply<T>> {
    const msg = await this.nc.request(subject, JSON.stringify(body), { timeout: TIMEOUT_MS });
    const parsed = msg.json<Record<string, unknown>>();
    const error = parsed['error'] as { code?: string; message?: string } | undefined;
    if (error) return { ok: false, code: String(error.code), message: String(error.message) };
    return { ok: true, value: parsed as T };
  }

  private async ok<T>(subject: string, body: object): Promise<T> {
    const reply = await this.request<T>(subject, body);
    if (!reply.ok) throw new Error(`${reply.code}: ${reply.message}`);
    return reply.value;
  }

  async snapshot(org: string, transitions: AuditEntry[]): Promise<OrgSnapshot> {
    const q = (name: string) => querySubject(org, name);
    const [list, gateways] = await Promise.all([
      this.request<{ pools: PoolSummary[]; degraded?: { message: string } }>(q('pool.list'), {}),
      this.ok<{ gateways: GatewayView[]; degraded?: { message: string } }>(q('gateway.list'), {}),
    ]);
    const snapshot: OrgSnapshot = {
      org,
      at: new Date().toISOString(),
      pools: [],
      poolCount: 0,
      gateways: gateways.gateways,
      transitions,
      ...(gateways.degraded ? { degraded: gateways.degraded.message } : {}),
    };
    if (!list.ok) return { ...snapshot, poolsUnavailable: `${list.code}: ${list.message}` };
    const summaries = [...list.value.pools].sort((a, b) => a.name.localeCompare(b.name));
    snapshot.poolCount = summaries.length;
    snapshot.pools = await Promise.all(
      summaries.slice(0, MAX_POOLS).map(async ({ poolId }) => {
        const [details, consumers] = await Promise.all([
          this.ok<PoolDetails>(q('pool.get'), { poolId }),
          this.ok<{ consumers: ConsumerView[] }>(q('pool.consumers'), { poolId }),
        ]);
        return { ...details, consumers: consumers.consumers };
      }),
    );
    return snapshot;
  }

  /** One page of the org's log after `after`, health transitions only kept by the caller. */
  audit(org: string, after: string | undefined): Promise<AuditEventsReply> {
    const subject = AUDIT_SUBJECTS.events.replace('.*.', `.${org}.`);
    return this.ok<AuditEventsReply>(subject, { limit: 1000, ...(after ? { after } : {}) });
  }
}
