import { eventSchemaError } from './event-schemas.js';
import type { OrgEvent } from './events.js';
import { evolve, evolveInPlace, type OrgCatalog, type QuarantinedEvent } from './org-catalog.js';

/** What a follower knows of one event read from an org's stream. */
export interface RecordedOrgEvent {
  streamId: string;
  revision: number;
  position: string;
  type: string;
  data: unknown;
}

const ERROR_CHARS = 300;

export type Applied =
  | { state: OrgCatalog; event: OrgEvent; quarantined?: undefined }
  | { state: OrgCatalog; event?: undefined; quarantined: QuarantinedEvent };

/**
 * Folds one recorded event into the catalog, or quarantines it when it breaks its schema or evolve throws: the caller
 * moves the org's revision past it either way, so one bad event never stops the fold of the org, or of any other.
 * Returns the next state and leaves `state` untouched.
 */
export const applyRecorded = (state: OrgCatalog, recorded: RecordedOrgEvent): Applied =>
  applyWith(state, recorded, evolve, (quarantined) => ({
    ...state,
    quarantined: new Map(state.quarantined).set(quarantined.revision, quarantined),
  }));

/**
 * `applyRecorded` for followers that own their state and fold in place (`evolveInPlace`). Schema-valid events never
 * make evolve throw; if one ever does, the catalog may hold part of its change.
 */
export const applyRecordedInPlace = (state: OrgCatalog, recorded: RecordedOrgEvent): Applied =>
  applyWith(state, recorded, evolveInPlace, (quarantined) => {
    state.quarantined.set(quarantined.revision, quarantined);
    return state;
  });

function applyWith(
  state: OrgCatalog,
  recorded: RecordedOrgEvent,
  fold: (state: OrgCatalog, event: OrgEvent) => OrgCatalog,
  quarantine: (quarantined: QuarantinedEvent) => OrgCatalog,
): Applied {
  let error = eventSchemaError(recorded.type, recorded.data);
  if (error === undefined) {
    const event = { type: recorded.type, data: recorded.data } as OrgEvent;
    try {
      return { state: fold(state, event), event };
    } catch (cause) {
      error = `evolve failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  }
  const quarantined: QuarantinedEvent = {
    position: recorded.position,
    org: state.org,
    streamId: recorded.streamId,
    revision: recorded.revision,
    type: recorded.type.slice(0, 64),
    error: error.length > ERROR_CHARS ? `${error.slice(0, ERROR_CHARS - 1)}…` : error,
  };
  return { state: quarantine(quarantined), quarantined };
}

/** What query replies of a degraded org carry (absent when nothing is quarantined). */
export function degradedMarker(state: OrgCatalog): { quarantinedEvents: number; message: string } | undefined {
  const count = state.quarantined.size;
  if (count === 0) return undefined;
  return {
    quarantinedEvents: count,
    message: `org '${state.org}' has ${count} quarantined event${count === 1 ? '' : 's'} in its log that could not be applied; its views may miss ${count === 1 ? 'that change' : 'those changes'} until an operator voids ${count === 1 ? 'it' : 'them'} (gwpool.v1.admin.event.void)`,
  };
}
