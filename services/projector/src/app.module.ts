import { LiveCatalog } from '@gwpool/live-catalog';
import { type Closable, ShutdownCloser } from '@gwpool/nats';
import { type DynamicModule, Module } from '@nestjs/common';
import { HealthPublisher } from './health-publisher.js';
import { ProjectorController } from './projector.controller.js';
import { ViewWriter } from './view-writer.js';

@Module({})
export class ProjectorModule {
  static register(deps: {
    catalog: LiveCatalog;
    writer: ViewWriter;
    health: HealthPublisher;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [ProjectorController],
      providers: [
        { provide: LiveCatalog, useValue: deps.catalog },
        { provide: ViewWriter, useValue: deps.writer },
        { provide: HealthPublisher, useValue: deps.health },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
      ],
    };
  }
}
