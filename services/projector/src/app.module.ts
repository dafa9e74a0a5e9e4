import { CatalogFollower } from '@gwpool/log-followers';
import type { Settings } from '@gwpool/config';
import { type Closable, ShutdownCloser, TransportTenancy } from '@gwpool/nats';
import type { ActiveViews } from '@gwpool/storage';
import { ACTIVE_VIEWS } from './active-views.token.js';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditReader } from './audit-reader.js';
import { HistoryController } from './history.controller.js';
import { HistoryReader } from './history-reader.js';
import { HealthPublisher } from './health-publisher.js';
import { ProjectorController } from './projector.controller.js';
import { ViewWriter } from './view-writer.js';
import { WriterLeadership } from './writer-leadership.js';

@Module({})
export class ProjectorModule {
  static register(deps: {
    settings: Settings;
    catalog: CatalogFollower;
    writer: ViewWriter;
    health: HealthPublisher;
    leadership: WriterLeadership;
    views: ActiveViews;
    audit: AuditReader;
    history: HistoryReader;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [ProjectorController, AuditController, HistoryController],
      providers: [
        { provide: TransportTenancy, useValue: TransportTenancy.of(deps.settings) },
        { provide: CatalogFollower, useValue: deps.catalog },
        { provide: ViewWriter, useValue: deps.writer },
        { provide: HealthPublisher, useValue: deps.health },
        { provide: WriterLeadership, useValue: deps.leadership },
        { provide: ACTIVE_VIEWS, useValue: deps.views },
        { provide: AuditReader, useValue: deps.audit },
        { provide: HistoryReader, useValue: deps.history },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
      ],
    };
  }
}
