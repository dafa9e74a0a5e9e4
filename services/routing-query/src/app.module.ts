import type { Settings } from '@gwpool/config';
import { CatalogFollower } from '@gwpool/log-followers';
import { SETTINGS, ShutdownCloser, TransportTenancy, type Closable } from '@gwpool/nats';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { QueryAccess } from './query-access.js';
import { ReadFence } from './read-fence.js';
import { RouteEndpoints } from './route-endpoints.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { HistoryForwarder } from './history-forwarder.js';
import { RoutingQueryController } from './routing-query.controller.js';
import { RouteReports } from './route-reports.js';
import { RoutingView } from './routing-view.js';
import { QUERY_HANDLERS } from './routing.queries.js';

@Module({})
export class RoutingQueryModule {
  static register(deps: {
    settings: Settings;
    catalog: CatalogFollower;
    view: RoutingView;
    reports: RouteReports;
    fence: ReadFence;
    nc: NatsConnection;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: RoutingQueryModule,
      imports: [CqrsModule.forRoot()],
      controllers: [RoutingQueryController],
      providers: [
        { provide: SETTINGS, useValue: deps.settings },
        { provide: TransportTenancy, useValue: TransportTenancy.of(deps.settings) },
        { provide: CatalogFollower, useValue: deps.catalog },
        { provide: RoutingView, useValue: deps.view },
        { provide: RouteReports, useValue: deps.reports },
        { provide: ReadFence, useValue: deps.fence },
        { provide: HistoryForwarder, useValue: new HistoryForwarder(deps.nc, deps.view) },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
        QueryAccess,
        RouteEndpoints,
        ...QUERY_HANDLERS,
      ],
    };
  }
}
