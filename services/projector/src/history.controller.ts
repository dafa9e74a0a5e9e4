import { HISTORY_SUBJECT_PATTERN, ListPoolsDto, parseRequest, PoolAtDto, timeTravelInstant } from '@gwpool/contracts';
import { isToken } from '@gwpool/domain';
import { requestContext, TransportTenancy } from '@gwpool/nats';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { HistoryReader } from './history-reader.js';

/**
 * Time travel as routing-query passes it on (`gwpool.internal.history.{org}.{pool-get|pool-list}`): routing-query has
 * checked the request and the org's entitlement; the body is checked again here, since the subject is reachable.
 */
@Controller()
export class HistoryController {
  constructor(
    @Inject(HistoryReader) private readonly reader: HistoryReader,
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
  ) {}

  @MessagePattern(HISTORY_SUBJECT_PATTERN, { queue: 'projector-audit' })
  answer(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const [, , , token, query] = ctx.getSubject().split('.');
    // An internal subject: like an operator subject, for the services' own account only.
    const { org } = requestContext(ctx, this.tenancy, { org: isToken(token) ? token : '' });
    if (query === 'pool-get') {
      const dto = parseRequest(PoolAtDto, body);
      return this.reader.pool(org, dto.poolId, timeTravelInstant(dto.at ?? '', Date.now()));
    }
    const dto = parseRequest(ListPoolsDto, body);
    return this.reader.pools(org, timeTravelInstant(dto.at ?? '', Date.now()));
  }
}
