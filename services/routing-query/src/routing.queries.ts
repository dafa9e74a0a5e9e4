import type { ConsumerView, DegradedMarker, GatewayView, PoolDetails, PoolSummary } from '@gwpool/contracts';
import {
  degradedMarker,
  gatewayViews,
  type OrgCatalog,
  poolDetails,
  poolSummary,
  routeThroughGateway,
  routeThroughPool,
} from '@gwpool/domain';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { RoutingView } from './routing-view.js';

type MaybeDegraded = { degraded?: DegradedMarker };

/** The org's degraded marker, only while some of its events are quarantined. */
const degraded = (catalog: OrgCatalog): MaybeDegraded => {
  const marker = degradedMarker(catalog);
  return marker ? { degraded: marker } : {};
};

/** Orders by text whatever a view holds, so a sort can never throw. */
const byText = (a: unknown, b: unknown): number => String(a).localeCompare(String(b));

export class GetPoolQuery extends Query<PoolDetails & MaybeDegraded> {
  constructor(
    readonly org: string,
    readonly poolId: string,
  ) {
    super();
  }
}
export class ListPoolsQuery extends Query<{ pools: PoolSummary[] } & MaybeDegraded> {
  constructor(readonly org: string) {
    super();
  }
}
export class PoolConsumersQuery extends Query<{ poolId: string; consumers: ConsumerView[] } & MaybeDegraded> {
  constructor(
    readonly org: string,
    readonly poolId: string,
  ) {
    super();
  }
}
export class ListGatewaysQuery extends Query<{ gateways: GatewayView[] } & MaybeDegraded> {
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
  async execute({ org, poolId }: GetPoolQuery): Promise<PoolDetails & MaybeDegraded> {
    const { catalog, pool } = this.view.pool(org, poolId);
    return { ...poolDetails(catalog, pool, this.view.lookup(org), Date.now(), this.view.ttlMs), ...degraded(catalog) };
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
      .sort((a, b) => byText(a.name, b.name));
    return { pools, ...degraded(catalog) };
  }
}

@QueryHandler(PoolConsumersQuery)
export class PoolConsumersHandler implements IQueryHandler<PoolConsumersQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId }: PoolConsumersQuery) {
    const { catalog, pool } = this.view.pool(org, poolId);
    return {
      poolId,
      consumers: [...pool.consumers].map(([consumerId, consumerType]) => ({ consumerId, consumerType })),
      ...degraded(catalog),
    };
  }
}

@QueryHandler(ListGatewaysQuery)
export class ListGatewaysHandler implements IQueryHandler<ListGatewaysQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org }: ListGatewaysQuery) {
    const catalog = this.view.org(org);
    const gateways = gatewayViews(catalog, this.view.lookup(org), Date.now(), this.view.ttlMs);
    return { gateways: gateways.sort((a, b) => byText(a.gatewayId, b.gatewayId)), ...degraded(catalog) };
  }
}

@QueryHandler(PickRouteQuery)
export class PickRouteHandler implements IQueryHandler<PickRouteQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId }: PickRouteQuery) {
    const { catalog, pool } = this.view.pool(org, poolId);
    const gatewayId = routeThroughPool(pool, this.view.members(catalog, pool), this.view.pickContext(org));
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
      const gatewayId = routeThroughPool(pool, this.view.members(catalog, pool), this.view.pickContext(org));
      return { consumerId, poolId: pool.poolId, gatewayId };
    }
    const gatewayId = routeThroughGateway(this.view.org(org), consumerId, target.gatewayId, this.view.pickContext(org));
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
