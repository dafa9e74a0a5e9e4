import type { ConsumerView, DegradedMarker, GatewayView, PoolDetails, PoolSummary } from '@gwpool/contracts';
import {
  degradedMarker,
  gatewayViews,
  type OrgCatalog,
  type PickRequest,
  pickRoute,
  poolDetails,
  type PoolState,
  poolSummary,
  type RoutePicked,
  refusalError,
  routeThroughGateway,
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
/** A pick's reply: the member, its zone when it has one, and whether every usable member was suspect. */
type Picked = { gatewayId: string; zone?: string; panic: boolean };

export class PickRouteQuery extends Query<{ poolId: string } & Picked> {
  constructor(
    readonly org: string,
    readonly poolId: string,
    readonly request: PickRequest = {},
  ) {
    super();
  }
}
export class ResolveRouteQuery extends Query<{ consumerId: string; poolId?: string } & Picked> {
  constructor(
    readonly org: string,
    readonly consumerId: string,
    readonly request: PickRequest = {},
  ) {
    super();
  }
}

const pickedReply = ({ gatewayId, zone, panic }: RoutePicked): Picked =>
  zone === undefined ? { gatewayId, panic } : { gatewayId, zone, panic };

/** The pick pipeline over the pool as this instance holds it (docs/design.md, "Routing rules"). */
function pickThroughPool(view: RoutingView, catalog: OrgCatalog, pool: PoolState, request: PickRequest): Picked {
  const outcome = pickRoute(view.routingPool(catalog, pool), request, view.pickContext(catalog.org, pool.poolId));
  if (!outcome.ok) throw refusalError(outcome);
  if (outcome.panic) view.metrics?.panicked();
  return pickedReply(outcome);
}

@QueryHandler(GetPoolQuery)
export class GetPoolHandler implements IQueryHandler<GetPoolQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId }: GetPoolQuery): Promise<PoolDetails & MaybeDegraded> {
    const { catalog, pool } = this.view.pool(org, poolId);
    const now = Date.now();
    const facts = this.view.facts(org, now);
    return { ...poolDetails(catalog, pool, this.view.lookup(org), now, this.view.ttlMs, facts), ...degraded(catalog) };
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
    const now = Date.now();
    const gateways = gatewayViews(catalog, this.view.lookup(org), now, this.view.ttlMs, this.view.facts(org, now));
    return { gateways: gateways.sort((a, b) => byText(a.gatewayId, b.gatewayId)), ...degraded(catalog) };
  }
}

@QueryHandler(PickRouteQuery)
export class PickRouteHandler implements IQueryHandler<PickRouteQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, poolId, request }: PickRouteQuery) {
    const { catalog, pool } = this.view.pool(org, poolId);
    return { poolId, ...pickThroughPool(this.view, catalog, pool, request) };
  }
}

@QueryHandler(ResolveRouteQuery)
export class ResolveRouteHandler implements IQueryHandler<ResolveRouteQuery> {
  constructor(@Inject(RoutingView) private readonly view: RoutingView) {}
  async execute({ org, consumerId, request }: ResolveRouteQuery) {
    const { target } = this.view.consumer(org, consumerId);
    if (target.kind === 'pool') {
      const { catalog, pool } = this.view.pool(org, target.poolId);
      return { consumerId, poolId: pool.poolId, ...pickThroughPool(this.view, catalog, pool, request) };
    }
    const catalog = this.view.org(org);
    const picked = routeThroughGateway(catalog, consumerId, target.gatewayId, this.view.directContext(org), request);
    return { consumerId, ...pickedReply(picked) };
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
