import type { Settings } from '@gwpool/config';
import { orgCatalogDecider } from '@gwpool/domain';
import type { EventLog } from '@gwpool/event-log';
import type { LivenessView } from '@gwpool/liveness-view';
import { type Closable, SETTINGS, ShutdownCloser, TransportTenancy } from '@gwpool/nats';
import type { CommandMetrics } from '@gwpool/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { AppendAnnouncer } from './append-announcer.js';
import { OrgCatalogRepository } from './org-catalog.repository.js';
import { ORG_CATALOG_DECIDER, OrgCommandHandler } from './org-command.handler.js';
import { LIVENESS_VIEW, PoolCommandController } from './pool-command.controller.js';

@Module({})
export class PoolCommandModule {
  static register(deps: {
    settings: Settings;
    eventLog: EventLog;
    liveness: LivenessView;
    metrics?: CommandMetrics;
    announcer: AppendAnnouncer;
    closables: Closable[];
  }): DynamicModule {
    const { settings } = deps;
    return {
      module: PoolCommandModule,
      controllers: [PoolCommandController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: TransportTenancy, useValue: TransportTenancy.of(settings) },
        {
          provide: ORG_CATALOG_DECIDER,
          useValue: orgCatalogDecider({ entitlements: settings.entitlements, heartbeatTtlMs: settings.heartbeatTtlMs }),
        },
        {
          provide: OrgCatalogRepository,
          useValue: new OrgCatalogRepository(deps.eventLog, {
            maxOrgs: settings.commandCacheOrgs,
            metrics: deps.metrics,
          }),
        },
        { provide: LIVENESS_VIEW, useValue: deps.liveness },
        { provide: AppendAnnouncer, useValue: deps.announcer },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
        OrgCommandHandler,
      ],
    };
  }
}
