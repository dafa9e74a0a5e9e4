import type { AuditEventsReply } from '@gwpool/contracts';
import {
  type AuditEntry,
  auditEntry,
  type AuditFilter,
  auditMatches,
  healthStreamId,
  membershipSpans,
  orgStreamId,
  wasMember,
} from '@gwpool/domain';
import type { EventLog } from '@gwpool/event-log';

/** Events read from the log per round trip. */
const PAGE = 500;
/** Events one request may read: a sparse filter over a long log answers with `next` rather than reading it all. */
const SCAN_BUDGET = 10_000;

export interface AuditRequest extends AuditFilter {
  after?: string;
  limit: number;
}

/**
 * The audit query: an org's catalog and health events read from the log itself (never the views), in log order,
 * filtered by entity and time, paged by position. Each request reads at most SCAN_BUDGET events. `next` is where the
 * read stopped, whether it found `limit` events, ran out of budget or reached the end; it is absent only when
 * nothing at all came after `after`, so a follower (`gwpool events tail`) never reads the same events twice.
 */
export class AuditReader {
  constructor(private readonly log: EventLog) {}

  async read(org: string, request: AuditRequest): Promise<AuditEventsReply> {
    const streamIds = [orgStreamId(org), healthStreamId(org)];
    const events: AuditEntry[] = [];
    let memberAt: ((gatewayId: string, at: number) => boolean) | undefined;
    const membership = async () => {
      if (request.poolId === undefined) return () => false;
      const spans = membershipSpans(await this.log.readStream(orgStreamId(org)), request.poolId);
      return (gatewayId: string, at: number) => wasMember(spans, gatewayId, at);
    };
    let after = request.after;
    let scanned = 0;
    while (scanned < SCAN_BUDGET) {
      const page = await this.log.readAll({ after, streamIds, limit: PAGE });
      for (const recorded of page) {
        after = recorded.position;
        scanned += 1;
        const entry = auditEntry(recorded);
        // Membership is read only when a health event may show under the pool.
        if (request.poolId !== undefined && recorded.streamId === streamIds[1]) memberAt ??= await membership();
        if (!auditMatches(entry, request, memberAt ?? (() => false))) continue;
        events.push(entry);
        if (events.length === request.limit) return { events, next: after };
      }
      if (page.length < PAGE) break;
    }
    return after === undefined || after === request.after ? { events } : { events, next: after };
  }
}
