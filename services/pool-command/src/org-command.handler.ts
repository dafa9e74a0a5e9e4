import type { OrgCatalogDecider, OrgCommand } from '@gwpool/domain';
import { Inject, Injectable } from '@nestjs/common';
import { AppendAnnouncer } from './append-announcer.js';
import { type Decided, OrgCatalogRepository } from './org-catalog.repository.js';

export const ORG_CATALOG_DECIDER = Symbol('ORG_CATALOG_DECIDER');

/**
 * Decides a command against the org's current catalog and appends the events (Emmett's
 * `handle(store, id, state => decide(command, state))`). Every command takes this one path, so there is one handler
 * and no command bus: the controller calls it with the command as plain data, and nothing calls back.
 * Before the reply, the position holding the command's effect is announced to the readers (read-your-writes).
 */
@Injectable()
export class OrgCommandHandler {
  constructor(
    @Inject(OrgCatalogRepository) private readonly repository: OrgCatalogRepository,
    @Inject(ORG_CATALOG_DECIDER) private readonly decider: OrgCatalogDecider,
    @Inject(AppendAnnouncer) private readonly announcer: AppendAnnouncer,
  ) {}

  async handle(org: string, command: OrgCommand): Promise<Decided> {
    const decided = await this.repository.handle(org, (state) => this.decider.decide(command, state), command.metadata);
    this.announcer.announce(org, decided.position);
    return decided;
  }
}
