import { HISTORY_SUBJECT_PATTERN, ListPoolsDto, parseRequest, PoolAtDto, timeTravelInstant } from '@gwpool/contracts';
import { isToken } from '@gwpool/domain';
import { requestContext } from '@gwpool/nats';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { HistoryReader } from './history-reader.js';

/**
 * Time travel as routing-query passes it on (`gwpool.internal.history.{org}.{pool-get|pool-list}`): routing-query has
 * checked the request and the org's entitlement; the body is checked again here, since the subject is reachable.
 */
@Controller()
export class HistoryController {
  constructor(@Inject(HistoryReader) private readonly reader: HistoryReader) {}

  @MessagePattern(HISTORY_SUBJECT_PATTERN, { queue: 'projector-audit' })
  answer(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const [, , , token, query] = ctx.getSubject().split('.');
    const { org } = requestContext(ctx, isToken(token) ? token : '');
    if (query === 'pool-get') {
      const dto = parseRequest(PoolAtDto, body);
      return this.reader.pool(org, dto.poolId, timeTravelInstant(dto.at ?? '', Date.now()));
    }
    const dto = parseRequest(ListPoolsDto, body);
    return this.reader.pools(org, timeTravelInstant(dto.at ?? '', Date.now()));
  }
}
