import {
  ListPoolsDto,
  parseRequest,
  PoolAtDto,
  PoolQueryDto,
  QUERY_SUBJECTS,
  ReadQueryDto,
  ROUTE_REPORT_SUBJECT,
  RouteReportDto,
} from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { Controller, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Ctx, EventPattern, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { HistoryForwarder } from './history-forwarder.js';
import { QueryAccess } from './query-access.js';
import { RouteReports } from './route-reports.js';
import { RoutingView } from './routing-view.js';
import { GetPoolQuery, ListGatewaysQuery, ListPoolsQuery, PoolConsumersQuery } from './routing.queries.js';

/**
 * Validates the query, waits for the view when it must include a newer position (ReadFence), then answers it.
 * route.pick and route.resolve are served directly instead (RouteEndpoints).
 */
@Controller()
export class RoutingQueryController {
  constructor(
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(RoutingView) private readonly view: RoutingView,
    @Inject(RouteReports) private readonly reports: RouteReports,
    @Inject(QueryAccess) private readonly access: QueryAccess,
    @Inject(HistoryForwarder) private readonly history: HistoryForwarder,
  ) {}

  /**
   * A caller's report on the gateway a pick gave it. An event pattern takes both a plain publish and a request;
   * only a request gets the reply, `{}` or the error (a refused publish is counted in the refusal log).
   */
  @EventPattern(ROUTE_REPORT_SUBJECT)
  report(@Payload() body: unknown, @Ctx() ctx: unknown) {
    const org = this.access.orgOf(ctx as NatsContext);
    const dto = parseRequest(RouteReportDto, body);
    const { catalog, pool } = this.view.pool(org, dto.poolId);
    if (!pool.members.has(dto.gatewayId)) {
      throw new DomainError('NOT_FOUND', `gateway '${dto.gatewayId}' is not a member of pool '${pool.name}'`, {
        poolId: pool.poolId,
        gatewayId: dto.gatewayId,
      });
    }
    this.reports.take(catalog, dto, Date.now());
    return {};
  }

  @MessagePattern(QUERY_SUBJECTS.poolGet)
  getPool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.access.orgOf(ctx);
    const { poolId, at, minPosition } = parseRequest(PoolAtDto, body);
    if (at !== undefined) return this.history.ask(org, 'pool-get', { poolId, at });
    return this.access.read(org, ctx, minPosition, () => this.queryBus.execute(new GetPoolQuery(org, poolId)));
  }

  @MessagePattern(QUERY_SUBJECTS.poolList)
  listPools(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.access.orgOf(ctx);
    const { at, minPosition } = parseRequest(ListPoolsDto, body);
    if (at !== undefined) return this.history.ask(org, 'pool-list', { at });
    return this.access.read(org, ctx, minPosition, () => this.queryBus.execute(new ListPoolsQuery(org)));
  }

  @MessagePattern(QUERY_SUBJECTS.poolConsumers)
  poolConsumers(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.access.orgOf(ctx);
    const { poolId, minPosition } = parseRequest(PoolQueryDto, body);
    return this.access.read(org, ctx, minPosition, () => this.queryBus.execute(new PoolConsumersQuery(org, poolId)));
  }

  @MessagePattern(QUERY_SUBJECTS.gatewayList)
  listGateways(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.access.orgOf(ctx);
    const { minPosition } = parseRequest(ReadQueryDto, body);
    return this.access.read(org, ctx, minPosition, () => this.queryBus.execute(new ListGatewaysQuery(org)));
  }
}
