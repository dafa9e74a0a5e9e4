import { ADMIN_SUBJECTS } from '@gwpool/contracts';
import { CatalogFollower } from '@gwpool/log-followers';
import { Controller, Inject } from '@nestjs/common';
import { assertOperatorCaller, TransportTenancy } from '@gwpool/nats';
import { Ctx, MessagePattern, type NatsContext } from '@nestjs/microservices';
import { HealthPublisher } from './health-publisher.js';
import { ViewWriter } from './view-writer.js';
import type { ActiveViews } from '@gwpool/storage';
import { ACTIVE_VIEWS } from './active-views.token.js';
import { WriterLeadership } from './writer-leadership.js';

/** How many quarantined events the status lists; `count` always gives the total. */
const LISTED_QUARANTINE = 20;

@Controller()
export class ProjectorController {
  constructor(
    @Inject(CatalogFollower) private readonly catalog: CatalogFollower,
    @Inject(ViewWriter) private readonly writer: ViewWriter,
    @Inject(HealthPublisher) private readonly health: HealthPublisher,
    @Inject(WriterLeadership) private readonly leadership: WriterLeadership,
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
    @Inject(ACTIVE_VIEWS) private readonly views: ActiveViews,
  ) {}

  /**
   * Where this projector stands: whether it is the writer, the last event applied, the last position whose views are
   * stored, the quarantine. Every instance answers (no queue group), so a caller can see the writer and its standbys.
   */
  @MessagePattern(ADMIN_SUBJECTS.projectorStatus)
  status(@Ctx() ctx: NatsContext) {
    assertOperatorCaller(ctx, this.tenancy);
    const quarantined = this.catalog.quarantine();
    return {
      role: this.leadership.role,
      leaseToken: this.leadership.lease?.token ?? null,
      pid: process.pid,
      namespace: this.views.pointer.namespace,
      generation: this.views.pointer.generation,
      appliedPosition: this.catalog.position,
      storedPosition: this.writer.flushedPosition,
      eventsApplied: this.writer.eventsApplied,
      orgs: this.catalog.size,
      healthUpdatesPublished: this.health.published,
      healthTransitionsRecorded: this.health.transitionsRecorded,
      quarantine: { count: quarantined.length, events: quarantined.slice(0, LISTED_QUARANTINE) },
    };
  }
}
