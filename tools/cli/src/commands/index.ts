import type { CommandGroup } from '../program.js';
import { authCommands } from './auth.command.js';
import { auditCommands } from './audit.command.js';
import { consumersCommands } from './consumers.command.js';
import { gatewaysCommands } from './gateways.command.js';
import { membersCommands } from './members.command.js';
import { poolsCommands } from './pools.command.js';
import { projectionsCommands } from './projections.command.js';
import { rawCommands } from './raw.command.js';
import { routeCommands } from './route.command.js';

/**
 * Every command group of gwpool, in the order `gwpool --help` lists them. A new group is a file in this folder
 * that exports a `CommandGroup`, and one line here.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  poolsCommands,
  membersCommands,
  gatewaysCommands,
  consumersCommands,
  routeCommands,
  auditCommands,
  projectionsCommands,
  rawCommands,
  authCommands,
];
