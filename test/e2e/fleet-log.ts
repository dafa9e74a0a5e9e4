import { foldCatalog, isOrgEventType, type OrgCatalog, type OrgEvent, orgStreamId } from '@gwpool/domain';
import type { RecordedEvent } from '@gwpool/event-log';
import { openEventLog } from '@gwpool/storage';

/** The org's events straight from the log, and the catalog a replay of them gives. */
export async function replayOrg(
  eventStoreUrl: string,
  org: string,
): Promise<{ events: RecordedEvent[]; catalog: OrgCatalog }> {
  const log = await openEventLog(eventStoreUrl);
  try {
    const events = await log.readStream(orgStreamId(org));
    const catalog = foldCatalog(
      org,
      events.filter((e) => isOrgEventType(e.type)).map((e) => ({ type: e.type, data: e.data }) as OrgEvent),
    );
    return { events, catalog };
  } finally {
    await log.close();
  }
}
