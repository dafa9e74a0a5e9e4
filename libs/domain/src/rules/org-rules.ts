import type { EntitlementPolicy, SetEntitlement, VoidEvent } from '../commands.js';
import { DomainError, notFound } from '../errors.js';
import type { OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';

export const gatewayPoolsEnabled = (state: OrgCatalog, policy: EntitlementPolicy): boolean =>
  policy === 'open' ? state.gatewayPoolsEntitled !== false : state.gatewayPoolsEntitled === true;

export function assertGatewayPoolsEnabled(state: OrgCatalog, policy: EntitlementPolicy): void {
  if (!gatewayPoolsEnabled(state, policy)) {
    throw new DomainError('FORBIDDEN', `gateway pools are not enabled for org '${state.org}'`, { org: state.org });
  }
}

export function decideSetEntitlement(command: SetEntitlement, state: OrgCatalog): OrgEvent[] {
  const { gatewayPools } = command.data;
  return state.gatewayPoolsEntitled === gatewayPools ? [] : [{ type: 'OrgEntitlementSet', data: { gatewayPools } }];
}

/** An operator's repair: only a revision the org holds in quarantine can be voided. */
export function decideVoidEvent(command: VoidEvent, state: OrgCatalog): OrgEvent[] {
  const { revision, reason } = command.data;
  if (!state.quarantined.has(revision)) {
    throw notFound(`event ${revision} of org '${state.org}' is not quarantined`, { org: state.org, revision });
  }
  return [{ type: 'EventVoided', data: { revision, reason } }];
}
