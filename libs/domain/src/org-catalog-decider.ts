import type { OrgCommand } from './commands.js';
import { decide } from './decide.js';
import type { DeciderOptions } from './decider-options.js';
import type { OrgEvent } from './events.js';
import { evolve, initialCatalog, type OrgCatalog } from './org-catalog.js';

/**
 * The org catalog as a decider (Emmett's `Decider`, with the org as the initial state's argument since the stream is
 * the org's): `decide` returns the events a command produces against a state or throws a DomainError, `evolve` folds
 * one event into the next state, and neither reads a clock or mutates what it is given.
 */
export interface OrgCatalogDecider {
  initialState(org: string): OrgCatalog;
  evolve(state: OrgCatalog, event: OrgEvent): OrgCatalog;
  decide(command: OrgCommand, state: OrgCatalog): OrgEvent[];
}

export const orgCatalogDecider = (options: DeciderOptions): OrgCatalogDecider => ({
  initialState: initialCatalog,
  evolve,
  decide: (command, state) => decide(command, state, options),
});
