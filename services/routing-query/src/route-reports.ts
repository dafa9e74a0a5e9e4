import { ROUTE_REPORTS_SUBJECT, type RouteReportDto } from '@gwpool/contracts';
import {
  type CallerOutcome,
  type EjectionPolicy,
  isForgettable,
  isRecord,
  isToken,
  type OrgCatalog,
  ejectionTrigger,
  reportOutcome,
} from '@gwpool/domain';
import type { CatalogFollower } from '@gwpool/log-followers';
import { RefusalLog } from '@gwpool/nats';
import type { RoutingMetrics } from '@gwpool/observability';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RoutingTable } from './routing-table.js';

/** A caller report as every instance applies it: stamped once, with the time the first instance took it. */
interface StampedReport {
  origin: string;
  org: string;
  poolId: string;
  gatewayId: string;
  outcome: CallerOutcome;
  at: number;
}

function isStampedReport(value: unknown): value is StampedReport {
  if (!isRecord(value)) return false;
  const { origin, org, poolId, gatewayId, outcome, at } = value;
  return (
    typeof origin === 'string' &&
    origin.length <= 64 &&
    isToken(org) &&
    isToken(poolId) &&
    isToken(gatewayId) &&
    (outcome === 'ok' || outcome === 'failed') &&
    typeof at === 'number' &&
    Number.isSafeInteger(at) &&
    at >= 0
  );
}

/**
 * Caller reports reach one routing-query instance through the queue group; that instance applies the report at
 * once and passes it on, stamped with its receive time, on an internal subject every instance subscribes to without
 * a queue group. Each instance applies the others' reports with the same stamp, so all hold the same ejections.
 * Reports are applied only for members of the pool as the instance's catalog knows them, which bounds the memory
 * whatever is published.
 */
export class RouteReports {
  readonly origin = randomUUID();
  private subscription?: Subscription;
  private readonly logger = new Logger(RouteReports.name);
  private readonly refusals = new RefusalLog('internal route report', this.logger);
  applied = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: CatalogFollower,
    private readonly table: RoutingTable,
    private readonly policy: EjectionPolicy,
    private readonly metrics?: RoutingMetrics,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(ROUTE_REPORTS_SUBJECT, {
      callback: (error, msg) => {
        if (error) return this.logger.warn(String(error));
        let report: unknown;
        try {
          report = msg.json();
        } catch {
          return this.refusals.note('not JSON');
        }
        if (!isStampedReport(report)) return this.refusals.note('malformed');
        if (report.origin === this.origin) return;
        const catalog = this.catalog.get(report.org);
        if (catalog !== undefined) this.apply(catalog, report);
      },
    });
  }

  /** A report this instance took from a caller: applied here, then passed on to every other instance. */
  take(catalog: OrgCatalog, report: RouteReportDto, now: number): void {
    const stamped: StampedReport = {
      origin: this.origin,
      org: catalog.org,
      poolId: report.poolId,
      gatewayId: report.gatewayId,
      outcome: report.outcome,
      at: now,
    };
    this.apply(catalog, stamped);
    this.nc.publish(ROUTE_REPORTS_SUBJECT, JSON.stringify(stamped));
  }

  private apply(catalog: OrgCatalog, { origin, poolId, gatewayId, outcome, at }: StampedReport): void {
    if (catalog.pools.get(poolId)?.members.has(gatewayId) !== true) return;
    const before = this.table.ejectionsOf(catalog.org, poolId).get(gatewayId);
    const next = reportOutcome(before, outcome, at, this.policy, origin);
    this.table.putEjection(catalog.org, poolId, gatewayId, isForgettable(next, at, this.policy) ? undefined : next);
    this.applied += 1;
    // Every instance applies every report, in the order it hears of them; all agree on which report started an
    // ejection, and only the instance that took that one counts it, so the sum over instances counts it once.
    if (ejectionTrigger(before, next, at)?.by === this.origin) this.metrics?.ejected();
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
