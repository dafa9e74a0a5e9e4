import type { ConsumerView, GatewayView, PoolDetails, PoolSummary } from '@gwpool/contracts';
import { DomainError, isHealthy, noHealthyGateway } from '@gwpool/domain';
import { gatewayViews, pickHealthy, poolDetails, poolSummary } from '@gwpool/live-catalog';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { RoutingView } from './routing-view.js';

export class GetPoolQuery extends Query<PoolDetails> {
  constructor(
    readonly org: string,
    readonly poolId: string,
  ) {
    super();
  }
}
export class ListPoolsQuery extends Query<{ pools: PoolSummary[] }> {
  constructor(readonly org: string) {
    super();
  }
}
export class PoolConsumersQuery extends Query<{ poolId: string; consumers: ConsumerView[] }> {
  constructor(
    readonly org: string,
    readonly poolId: string,
  ) {
    super();
  }
}
export class ListGatewaysQuery extends Query<{ gateways: GatewayView[] }> {
  constructor(readonly org: string) {
    super();
  }
}
export class PickRouteQuery extends Query<{ poolId: string; gatewayId: string }> {
  constructor(
    readonly org: string,
    readonly poolId: string,
  ) {
    super();
  }
}
export class ResolveRouteQuery extends Query<{ consumerId: string; poolId?: string; gatewayId: string }> {
  constructor(
    readonly org: string,
    readonly consumerId: string,
  ) {
    super();
  }
}

@QueryHandler(GetPoolQuery)
export class GetPoolHandler implements IQueryHandler<GetPoolQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId }: GetPoolQuery): Promise<PoolDetails> {
    const { catalog, pool } = this.view.pool(org, poolId);
    return poolDetails(catalog, pool, this.view.lookup(org), Date.now(), this.view.ttlMs);
  }
}

@QueryHandler(ListPoolsQuery)
export class ListPoolsHandler implements IQueryHandler<ListPoolsQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org }: ListPoolsQuery) {
    const catalog = this.view.poolsOf(org);
    const now = Date.now();
    const lookup = this.view.lookup(org);
    const pools = [...catalog.pools.values()]
      .map((pool) => poolSummary(pool, lookup, now, this.view.ttlMs))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { pools };
  }
}

@QueryHandler(PoolConsumersQuery)
export class PoolConsumersHandler implements IQueryHandler<PoolConsumersQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId }: PoolConsumersQuery) {
    const { pool } = this.view.pool(org, poolId);
    return {
      poolId,
      consumers: [...pool.consumers].map(([consumerId, consumerType]) => ({ consumerId, consumerType })),
    };
  }
}

@QueryHandler(ListGatewaysQuery)
export class ListGatewaysHandler implements IQueryHandler<ListGatewaysQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org }: ListGatewaysQuery) {
    const gateways = gatewayViews(this.view.org(org), this.view.lookup(org), Date.now(), this.view.ttlMs);
    return { gateways: gateways.sort((a, b) => a.gatewayId.localeCompare(b.gatewayId)) };
  }
}

@QueryHandler(PickRouteQuery)
export class PickRouteHandler implements IQueryHandler<PickRouteQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId }: PickRouteQuery) {
    const { catalog, pool } = this.view.pool(org, poolId);
    const gatewayId = pickHealthy(this.view.members(catalog, pool), this.view.lookup(org), Date.now(), this.view.ttlMs);
    if (gatewayId === undefined) throw noHealthyGateway(pool, 0);
    return { poolId, gatewayId };
  }
}

@QueryHandler(ResolveRouteQuery)
export class ResolveRouteHandler implements IQueryHandler<ResolveRouteQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, consumerId }: ResolveRouteQuery) {
    const { target } = this.view.consumer(org, consumerId);
    if (target.kind === 'pool') {
      const { catalog, pool } = this.view.pool(org, target.poolId);
      const gatewayId = pickHealthy(
        this.view.members(catalog, pool),
        this.view.lookup(org),
        Date.now(),
        this.view.ttlMs,
      );
      if (gatewayId === undefined) throw noHealthyGateway(pool, 0);
      return { consumerId, poolId: pool.poolId, gatewayId };
    }
    const { gatewayId } = target;
    const registered = this.view.org(org).gateways.has(gatewayId);
    if (!registered || !isHealthy(this.view.liveness.get(org, gatewayId), Date.now(), this.view.ttlMs)) {
      const why = registered ? 'is not healthy' : 'is no longer registered';
      throw new DomainError(
        'NO_HEALTHY_GATEWAY',
        `consumer '${consumerId}' routes through gateway '${gatewayId}', which ${why}`,
        {
          consumerId,
          gatewayId,
        },
      );
    }
    return { consumerId, gatewayId };
  }
}

export const QUERY_HANDLERS = [
  GetPoolHandler,
  ListPoolsHandler,
  PoolConsumersHandler,
  ListGatewaysHandler,
  PickRouteHandler,
  ResolveRouteHandler,
];
