import type { Settings } from '@gwpool/config';
import { decide, type OrgCatalog, type OrgCommand } from '@gwpool/domain';
import { type RequestContext, SETTINGS } from '@gwpool/nats';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Decided, OrgCatalogRepository } from './org-catalog.repository.js';

/** `build` sees the current state, so commands whose data depends on it (health of a pool's members) stay fresh on retry. */
export class ExecuteOrgCommand extends Command<Decided> {
  constructor(
    readonly org: string,
    readonly build: (state: OrgCatalog) => OrgCommand | Promise<OrgCommand>,
    readonly request: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteOrgCommand)
export class ExecuteOrgCommandHandler implements ICommandHandler<ExecuteOrgCommand, Decided> {
  constructor(
    @Inject(OrgCatalogRepository) private readonly repository: OrgCatalogRepository,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ org, build, request }: ExecuteOrgCommand): Promise<Decided> {
    return this.repository.update(
      org,
      async (state) => decide(await build(state), state, this.settings.entitlements),
      request,
    );
  }
}
