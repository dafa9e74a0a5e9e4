import { ConsumerRefDto, EmptyDto, parseRequest, PoolRefDto, QUERY_SUBJECTS } from '@gwpool/contracts';
import { requestContext } from '@gwpool/nats';
import { Controller, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import {
  GetPoolQuery,
  ListGatewaysQuery,
  ListPoolsQuery,
  PickRouteQuery,
  PoolConsumersQuery,
  ResolveRouteQuery,
} from './routing.queries.js';

@Controller()
export class RoutingQueryController {
  constructor(@Inject(QueryBus) private readonly queryBus: QueryBus) {}

  @MessagePattern(QUERY_SUBJECTS.routePick)
  pick(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org } = requestContext(ctx);
    return this.queryBus.execute(new PickRouteQuery(org, parseRequest(PoolRefDto, body).poolId));
  }

  @MessagePattern(QUERY_SUBJECTS.routeResolve)
  resolve(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org } = requestContext(ctx);
    return this.queryBus.execute(new ResolveRouteQuery(org, parseRequest(ConsumerRefDto, body).consumerId));
  }

  @MessagePattern(QUERY_SUBJECTS.poolGet)
  getPool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org } = requestContext(ctx);
    return this.queryBus.execute(new GetPoolQuery(org, parseRequest(PoolRefDto, body).poolId));
  }

  @MessagePattern(QUERY_SUBJECTS.poolList)
  listPools(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org } = requestContext(ctx);
    parseRequest(EmptyDto, body);
    return this.queryBus.execute(new ListPoolsQuery(org));
  }

  @MessagePattern(QUERY_SUBJECTS.poolConsumers)
  poolConsumers(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org } = requestContext(ctx);
    return this.queryBus.execute(new PoolConsumersQuery(org, parseRequest(PoolRefDto, body).poolId));
  }

  @MessagePattern(QUERY_SUBJECTS.gatewayList)
  listGateways(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org } = requestContext(ctx);
    parseRequest(EmptyDto, body);
    return this.queryBus.execute(new ListGatewaysQuery(org));
  }
}
