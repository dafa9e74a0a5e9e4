import type { Settings } from '@gwpool/config';
import type { EventLog } from '@gwpool/event-log';
import { SETTINGS, ShutdownCloser } from '@gwpool/nats';
import type { ReadModelStore } from '@gwpool/read-model';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ExecuteOrgCommandHandler } from './execute-org-command.handler.js';
import { OrgCatalogRepository } from './org-catalog.repository.js';
import { PoolCommandController, READ_MODEL } from './pool-command.controller.js';

@Module({})
export class PoolCommandModule {
  static register(deps: { settings: Settings; eventLog: EventLog; readModel: ReadModelStore }): DynamicModule {
    return {
      module: PoolCommandModule,
      imports: [CqrsModule.forRoot()],
      controllers: [PoolCommandController],
      providers: [
        { provide: SETTINGS, useValue: deps.settings },
        { provide: READ_MODEL, useValue: deps.readModel },
        { provide: OrgCatalogRepository, useValue: new OrgCatalogRepository(deps.eventLog) },
        { provide: ShutdownCloser, useValue: new ShutdownCloser([deps.eventLog, deps.readModel]) },
        ExecuteOrgCommandHandler,
      ],
    };
  }
}
