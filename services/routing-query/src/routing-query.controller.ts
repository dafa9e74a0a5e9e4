import {
  ListPoolsDto,
  parseRequest,
  PickRouteDto,
  pickRequestOf,
  PoolAtDto,
  PoolQueryDto,
  QUERY_SUBJECTS,
  ReadQueryDto,
  ResolveRouteDto,
  ROUTE_REPORT_SUBJECT,
  RouteReportDto,
} from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { CatalogFollower } from '@gwpool/log-followers';
import { requestContext, TransportTenancy } from '@gwpool/nats';
import type { MsgHdrs } from '@nats-io/transport-node';
import { Controller, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Ctx, EventPattern, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { HistoryForwarder } from './history-forwarder.js';
import { ReadFence } from './read-fence.js';
import { RouteReports } from './route-reports.js';
import { RoutingView } from './routing-view.js';
import {
  GetPoolQuery,
  ListGatewaysQuery,
  ListPoolsQuery,
  PickRouteQuery,
  PoolConsumersQuery,
  ResolveRouteQuery,
} from './routing.queries.js';

/** Validates the query, waits for the view when it must include a newer position (ReadFence), then answers it. */
@Controller()
export class RoutingQueryController {
  constructor(
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(RoutingView) private readonly view: RoutingView,
    @Inject(RouteReports) private readonly reports: RouteReports,
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
    @Inject(CatalogFollower) private readonly catalog: CatalogFollower,
    @Inject(ReadFence) private readonly fence: ReadFence,
    @Inject(HistoryForwarder) private readonly history: HistoryForwarder,
  ) {}

  /** The org of the subject, once the caller is known to act for it (FORBIDDEN otherwise). */
  private orgOf(ctx: NatsContext): string {
    const boundAccount = (org: string) => this.catalog.get(org)?.accountPublicKey;
    return requestContext(ctx, this.tenancy, { boundAccount }).org;
  }

  @MessagePattern(QUERY_SUBJECTS.routePick)
  pick(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.orgOf(ctx);
    const dto = parseRequest(PickRouteDto, body);
    const answer = () => this.queryBus.execute(new PickRouteQuery(org, dto.poolId, pickRequestOf(dto)));
    return this.read(org, ctx, dto.minPosition, answer);
  }

  @MessagePattern(QUERY_SUBJECTS.routeResolve)
  resolve(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.orgOf(ctx);
    const dto = parseRequest(ResolveRouteDto, body);
    const answer = () => this.queryBus.execute(new ResolveRouteQuery(org, dto.consumerId, pickRequestOf(dto)));
    return this.read(org, ctx, dto.minPosition, answer);
  }

  /**
   * A caller's report on the gateway a pick gave it. An event pattern takes both a plain publish and a request;
   * only a request gets the reply, `{}` or the error (a refused publish is counted in the refusal log).
   */
  @EventPattern(ROUTE_REPORT_SUBJECT)
  report(@Payload() body: unknown, @Ctx() ctx: unknown) {
    const org = this.orgOf(ctx as NatsContext);
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
    const org = this.orgOf(ctx);
    const { poolId, at, minPosition } = parseRequest(PoolAtDto, body);
    if (at !== undefined) return this.history.ask(org, 'pool-get', { poolId, at });
    return this.read(org, ctx, minPosition, () => this.queryBus.execute(new GetPoolQuery(org, poolId)));
  }

  @MessagePattern(QUERY_SUBJECTS.poolList)
  listPools(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.orgOf(ctx);
    const { at, minPosition } = parseRequest(ListPoolsDto, body);
    if (at !== undefined) return this.history.ask(org, 'pool-list', { at });
    return this.read(org, ctx, minPosition, () => this.queryBus.execute(new ListPoolsQuery(org)));
  }

  @MessagePattern(QUERY_SUBJECTS.poolConsumers)
  poolConsumers(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.orgOf(ctx);
    const { poolId, minPosition } = parseRequest(PoolQueryDto, body);
    return this.read(org, ctx, minPosition, () => this.queryBus.execute(new PoolConsumersQuery(org, poolId)));
  }

  @MessagePattern(QUERY_SUBJECTS.gatewayList)
  listGateways(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const org = this.orgOf(ctx);
    const { minPosition } = parseRequest(ReadQueryDto, body);
    return this.read(org, ctx, minPosition, () => this.queryBus.execute(new ListGatewaysQuery(org)));
  }

  /** Answers at once unless the view must first apply a newer position: the usual case costs one map lookup. */
  private read<T>(org: string, ctx: NatsContext, fromBody: string | undefined, answer: () => Promise<T>): Promise<T> {
    const minPosition = this.fence.minPosition(ctx.getHeaders() as MsgHdrs | undefined, fromBody);
    const wait = this.fence.before(org, minPosition);
    return wait ? wait.then(answer) : answer();
  }
}
