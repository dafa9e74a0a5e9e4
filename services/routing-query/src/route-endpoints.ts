import { parseRequest, PickRouteDto, pickRequestOf, QUERY_SUBJECTS, ResolveRouteDto } from '@gwpool/contracts';
import type { DirectEndpoint } from '@gwpool/nats';
import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { NatsContext } from '@nestjs/microservices';
import { QueryAccess } from './query-access.js';
import { PickRouteQuery, ResolveRouteQuery } from './routing.queries.js';

/**
 * route.pick and route.resolve, the queries a caller waits on before each connection through a gateway. They are
 * direct endpoints (see DirectEndpoint): Nest's per-message pipeline cost a fifth of a pick's time on the wire.
 */
@Injectable()
export class RouteEndpoints {
  constructor(
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(QueryAccess) private readonly access: QueryAccess,
  ) {}

  endpoints(): DirectEndpoint[] {
    return [
      { subject: QUERY_SUBJECTS.routePick, handle: (body, ctx) => this.pick(body, ctx) },
      { subject: QUERY_SUBJECTS.routeResolve, handle: (body, ctx) => this.resolve(body, ctx) },
    ];
  }

  pick(body: unknown, ctx: NatsContext) {
    const org = this.access.orgOf(ctx);
    const dto = parseRequest(PickRouteDto, body);
    const answer = () => this.queryBus.execute(new PickRouteQuery(org, dto.poolId, pickRequestOf(dto)));
    return this.access.read(org, ctx, dto.minPosition, answer);
  }

  resolve(body: unknown, ctx: NatsContext) {
    const org = this.access.orgOf(ctx);
    const dto = parseRequest(ResolveRouteDto, body);
    const answer = () => this.queryBus.execute(new ResolveRouteQuery(org, dto.consumerId, pickRequestOf(dto)));
    return this.access.read(org, ctx, dto.minPosition, answer);
  }
}
