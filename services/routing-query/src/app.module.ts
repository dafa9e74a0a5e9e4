import type { Settings } from '@gwpool/config';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';
import { SETTINGS, ShutdownCloser, type Closable } from '@gwpool/nats';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RoutingQueryController } from './routing-query.controller.js';
import { RoutingView } from './routing-view.js';
import { QUERY_HANDLERS } from './routing.queries.js';

@Module({})
export class RoutingQueryModule {
  static register(deps: {
    settings: Settings;
    catalog: CatalogFollower;
    liveness: LivenessView;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: RoutingQueryModule,
      imports: [CqrsModule.forRoot()],
      controllers: [RoutingQueryController],
      providers: [
        { provide: SETTINGS, useValue: deps.settings },
        { provide: RoutingView, useValue: new RoutingView(deps.catalog, deps.liveness, deps.settings) },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
        ...QUERY_HANDLERS,
      ],
    };
  }
}
