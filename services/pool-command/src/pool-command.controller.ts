import type { Settings } from '@gwpool/config';
import {
  ADMIN_SUBJECTS,
  AttachConsumerDto,
  COMMAND_SUBJECTS,
  ConsumerRefDto,
  consumerTarget,
  CreatePoolDto,
  GatewayRefDto,
  parseRequest,
  PoolMemberDto,
  PoolRefDto,
  RegisterGatewayDto,
  SetEntitlementDto,
  UpdatePoolDto,
  VoidEventDto,
} from '@gwpool/contracts';
import { gatewaysBehind, isHealthy, type OrgCatalog, type OrgCommand } from '@gwpool/domain';
import { requestContext, SETTINGS } from '@gwpool/nats';
import type { ReadModelStore } from '@gwpool/read-model';
import { Controller, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { ExecuteOrgCommand } from './execute-org-command.handler.js';

export const READ_MODEL = Symbol('READ_MODEL');

/** Validates, builds the domain command, dispatches it; replies with what the caller needs next. */
@Controller()
export class PoolCommandController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(READ_MODEL) private readonly readModel: ReadModelStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  private run(ctx: NatsContext, build: (state: OrgCatalog) => OrgCommand | Promise<OrgCommand>, org?: string) {
    const request = requestContext(ctx, org);
    return this.commandBus.execute(new ExecuteOrgCommand(org ?? request.org, build, request));
  }

  @MessagePattern(COMMAND_SUBJECTS.gatewayRegister)
  async registerGateway(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { gatewayId, name, zone } = parseRequest(RegisterGatewayDto, body);
    await this.run(ctx, () => ({ type: 'RegisterGateway', data: { gatewayId, name, zone } }));
    return { gatewayId };
  }

  @MessagePattern(COMMAND_SUBJECTS.gatewayDeregister)
  async deregisterGateway(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { gatewayId } = parseRequest(GatewayRefDto, body);
    const { events } = await this.run(ctx, () => ({ type: 'DeregisterGateway', data: { gatewayId } }));
    const leftPools = events.flatMap((event) => (event.type === 'PoolMemberRemoved' ? [event.data.poolId] : []));
    return { gatewayId, leftPools };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolCreate)
  async createPool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { name, description } = parseRequest(CreatePoolDto, body);
    const poolId = randomUUID();
    await this.run(ctx, () => ({ type: 'CreatePool', data: { poolId, name, description } }));
    return { poolId, name, ...(description ? { description } : {}) };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolUpdate)
  async updatePool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId, name, description } = parseRequest(UpdatePoolDto, body);
    const { state } = await this.run(ctx, () => ({ type: 'UpdatePool', data: { poolId, name, description } }));
    const pool = state.pools.get(poolId);
    return { poolId, name: pool?.name, ...(pool?.description ? { description: pool.description } : {}) };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolDelete)
  async deletePool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId } = parseRequest(PoolRefDto, body);
    await this.run(ctx, () => ({ type: 'DeletePool', data: { poolId } }));
    return { poolId, deleted: true };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolMemberAdd)
  async addMember(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId, gatewayId } = parseRequest(PoolMemberDto, body);
    await this.run(ctx, () => ({ type: 'AddPoolMember', data: { poolId, gatewayId } }));
    return { poolId, gatewayId };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolMemberRemove)
  async removeMember(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId, gatewayId } = parseRequest(PoolMemberDto, body);
    await this.run(ctx, () => ({ type: 'RemovePoolMember', data: { poolId, gatewayId } }));
    return { poolId, gatewayId, removed: true };
  }

  @MessagePattern(COMMAND_SUBJECTS.consumerAttach)
  async attachConsumer(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const dto = parseRequest(AttachConsumerDto, body);
    const target = consumerTarget(dto);
    const { consumerId, consumerType } = dto;
    await this.run(ctx, async (state) => ({
      type: 'AttachConsumer',
      data: {
        consumerId,
        consumerType,
        target,
        healthyGatewayIds: await this.healthyAmong(state, gatewaysBehind(state, target)),
      },
    }));
    return {
      consumerId,
      consumerType,
      ...(target.kind === 'pool' ? { poolId: target.poolId } : { gatewayId: target.gatewayId }),
    };
  }

  @MessagePattern(COMMAND_SUBJECTS.consumerDetach)
  async detachConsumer(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { consumerId } = parseRequest(ConsumerRefDto, body);
    await this.run(ctx, () => ({ type: 'DetachConsumer', data: { consumerId } }));
    return { consumerId, detached: true };
  }

  @MessagePattern(ADMIN_SUBJECTS.entitlementSet)
  async setEntitlement(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org, gatewayPools } = parseRequest(SetEntitlementDto, body);
    await this.run(ctx, () => ({ type: 'SetEntitlement', data: { gatewayPools } }), org);
    return { org, gatewayPools };
  }

  /** Operator repair: voids a quarantined event of the org, which is then no longer degraded by it. */
  @MessagePattern(ADMIN_SUBJECTS.eventVoid)
  async voidEvent(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org, revision, reason } = parseRequest(VoidEventDto, body);
    await this.run(ctx, () => ({ type: 'VoidEvent', data: { revision, reason } }), org);
    return { org, revision, voided: true };
  }

  /** Commands are not the hot path: reading liveness from the read model keeps pool-command stateless about health. */
  private async healthyAmong(state: OrgCatalog, gatewayIds: string[]): Promise<string[]> {
    if (gatewayIds.length === 0) return [];
    const records = await this.readModel.loadLiveness({ org: state.org, gatewayIds });
    const now = Date.now();
    return records
      .filter((record) => isHealthy({ at: record.at, check: record.check }, now, this.settings.heartbeatTtlMs))
      .map((record) => record.gatewayId);
  }
}
