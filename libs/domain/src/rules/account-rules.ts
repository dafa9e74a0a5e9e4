import type { BindAccount, CommandMetadata } from '../commands.js';
import { DomainError } from '../errors.js';
import type { OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';

/**
 * A tenant acts only for the org bound to its account. The transport already routes an account to its own org's
 * subjects alone; this is the same rule decided on the org's own state, in case an import or a binding is wrong.
 */
export function assertCallerMayAct(metadata: CommandMetadata, state: OrgCatalog): void {
  const account = metadata.callerAccount;
  if (account === undefined || account === state.accountPublicKey) return;
  throw new DomainError('FORBIDDEN', `account '${account}' may not act for org '${state.org}'`, {
    org: state.org,
    account,
  });
}

/** Binds the org to an account, replacing the one it had; binding the same account again changes nothing. */
export function decideBindAccount(command: BindAccount, state: OrgCatalog): OrgEvent[] {
  const { accountPublicKey } = command.data;
  const previous = state.accountPublicKey;
  if (previous === accountPublicKey) return [];
  return [
    {
      type: 'OrgAccountBound',
      data: { accountPublicKey, ...(previous === undefined ? {} : { previousAccountPublicKey: previous }) },
    },
  ];
}
