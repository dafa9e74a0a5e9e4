import { ADMIN_SUBJECTS } from '@gwpool/contracts';
import { LiveCatalog } from '@gwpool/live-catalog';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { HealthPublisher } from './health-publisher.js';
import { ViewWriter } from './view-writer.js';

@Controller()
export class ProjectorController {
  constructor(
    @Inject(LiveCatalog) private readonly catalog: LiveCatalog,
    @Inject(ViewWriter) private readonly writer: ViewWriter,
    @Inject(HealthPublisher) private readonly health: HealthPublisher,
  ) {}

  /** Where the projector stands: the last event applied and the last position whose views are stored. */
  @MessagePattern(ADMIN_SUBJECTS.projectorStatus)
  status() {
    return {
      appliedPosition: this.catalog.position,
      storedPosition: this.writer.flushedPosition,
      eventsApplied: this.writer.eventsApplied,
      orgs: this.catalog.catalogs.size,
      healthUpdatesPublished: this.health.published,
    };
  }
}
