import {
  AUDIT_SUBJECTS,
  AuditEventsDto,
  auditTimeRange,
  parseRequest,
  RequestValidationError,
} from '@gwpool/contracts';
import { InvalidPositionError } from '@gwpool/event-log';
import { CatalogFollower } from '@gwpool/log-followers';
import { requestContext, TransportTenancy } from '@gwpool/nats';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { AuditReader } from './audit-reader.js';

const DEFAULT_LIMIT = 100;

/** The audit query, shared by every projector instance through its own queue group. */
@Controller()
export class AuditController {
  constructor(
    @Inject(AuditReader) private readonly reader: AuditReader,
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
    @Inject(CatalogFollower) private readonly catalog: CatalogFollower,
  ) {}

  @MessagePattern(AUDIT_SUBJECTS.events, { queue: 'projector-audit' })
  async events(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const boundAccount = (org: string) => this.catalog.get(org)?.accountPublicKey;
    const { org } = requestContext(ctx, this.tenancy, { boundAccount });
    const dto = parseRequest(AuditEventsDto, body);
    const { poolId, gatewayId, consumerId, after } = dto;
    try {
      return await this.reader.read(org, {
        ...(poolId !== undefined ? { poolId } : {}),
        ...(gatewayId !== undefined ? { gatewayId } : {}),
        ...(consumerId !== undefined ? { consumerId } : {}),
        ...auditTimeRange(dto),
        ...(after !== undefined ? { after } : {}),
        limit: dto.limit ?? DEFAULT_LIMIT,
      });
    } catch (error) {
      if (error instanceof InvalidPositionError)
        throw new RequestValidationError('invalid request: after is not a position of this log', {
          after: 'must be a position from a previous reply (its next)',
        });
      throw error;
    }
  }
}
