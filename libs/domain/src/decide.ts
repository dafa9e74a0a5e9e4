import { assertValidCommand } from './command-checks.js';
import type { OrgCommand } from './commands.js';
import type { DeciderOptions } from './decider-options.js';
import type { OrgEvent } from './events.js';
import type { OrgCatalog } from './org-catalog.js';
import { assertCallerMayAct, decideBindAccount } from './rules/account-rules.js';
import { decideAttachConsumer, decideDetachConsumer } from './rules/consumer-rules.js';
import { decideDeregisterGateway, decideDrainGateway, decideRegisterGateway } from './rules/gateway-rules.js';
import { decideSetEntitlement, decideVoidEvent } from './rules/org-rules.js';
import { decideAddPoolMember, decideRemovePoolMember } from './rules/membership-rules.js';
import { decideCreatePool, decideDeletePool, decideUpdatePool } from './rules/pool-rules.js';

export { requirePool } from './rules/lookups.js';
export { assertGatewayPoolsEnabled, gatewayPoolsEnabled } from './rules/org-rules.js';

/**
 * Returns the events a command produces against the org's current state, or throws a DomainError.
 * Each command's rules are in `rules/`, one file per concern (see the domain README).
 */
export function decide(command: OrgCommand, state: OrgCatalog, options: DeciderOptions): OrgEvent[] {
  assertValidCommand(command);
  assertCallerMayAct(command.metadata, state);
  const policy = options.entitlements;
  switch (command.type) {
    case 'SetEntitlement':
      return decideSetEntitlement(command, state);
    case 'RegisterGateway':
      return decideRegisterGateway(command, state);
    case 'DeregisterGateway':
      return decideDeregisterGateway(command, state);
    case 'DrainGateway':
      return decideDrainGateway(command, state);
    case 'CreatePool':
      return decideCreatePool(command, state, policy);
    case 'UpdatePool':
      return decideUpdatePool(command, state, policy);
    case 'DeletePool':
      return decideDeletePool(command, state, policy);
    case 'AddPoolMember':
      return decideAddPoolMember(command, state, policy);
    case 'RemovePoolMember':
      return decideRemovePoolMember(command, state, policy);
    case 'AttachConsumer':
      return decideAttachConsumer(command, state, options);
    case 'DetachConsumer':
      return decideDetachConsumer(command, state);
    case 'VoidEvent':
      return decideVoidEvent(command, state);
    case 'BindAccount':
      return decideBindAccount(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}
