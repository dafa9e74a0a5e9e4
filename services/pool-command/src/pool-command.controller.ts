import {
  ADMIN_SUBJECTS,
  AttachConsumerDto,
  BindAccountDto,
  COMMAND_SUBJECTS,
  ConsumerRefDto,
  consumerTarget,
  CreatePoolDto,
  DrainGatewayDto,
  GatewayRefDto,
  parseRequest,
  PoolMemberDto,
  PoolRefDto,
  RegisterGatewayDto,
  SetEntitlementDto,
  UpdatePoolDto,
  VoidEventDto,
} from '@gwpool/contracts';
import { DEFAULT_ROUTING_STRATEGY, type OrgCommand, type OrgCommandData, type PoolState } from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';
import { type RequestContext, requestContext, TransportTenancy } from '@gwpool/nats';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { OrgCommandHandler } from './org-command.handler.js';

export const LIVENESS_VIEW = Symbol('LIVENESS_VIEW');

/**
 * The command as plain data: what the request asked, stamped with who asked, when, and in which conversation (and
 * trace, when the request carried a valid traceparent). A tenant's account goes with it, for the decider to check
 * against the org's binding.
 */
const commandOf = (request: RequestContext, command: OrgCommandData): OrgCommand => ({
  ...command,
  metadata: {
    now: Date.now(),
    ...(request.actor ? { actor: request.actor } : {}),
    ...(request.actorKey ? { actorKey: request.actorKey } : {}),
    ...(request.callerAccount ? { callerAccount: request.callerAccount } : {}),
    correlationId: request.correlationId,
    causationId: request.requestId,
    ...(request.traceparent ? { traceparent: request.traceparent } : {}),
  },
});

/** A pool's settings as a create or update left them; `maxMembers` only when there is a limit. */
const poolReply = (poolId: string, pool: PoolState | undefined) => ({
  poolId,
  name: pool?.name,
  ...(pool?.description ? { description: pool.description } : {}),
  strategy: pool?.strategy ?? DEFAULT_ROUTING_STRATEGY,
  ...(pool?.maxMembers !== undefined ? { maxMembers: pool.maxMembers } : {}),
});

/**
 * Validates the request, builds the command as data and hands it to the handler; replies with what the caller needs
 * next, and the log position holding the command's effect (for a later query's `minPosition`). A command's path runs
 * one way: subject → here → handler → repository → append.
 */
@Controller()
export class PoolCommandController {
  constructor(
    @Inject(OrgCommandHandler) private readonly handler: OrgCommandHandler,
    @Inject(LIVENESS_VIEW) private readonly liveness: LivenessView,
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
  ) {}

  private run(ctx: NatsContext, command: OrgCommandData, org?: string) {
    const request = requestContext(ctx, this.tenancy, { org });
    return this.handler.handle(request.org, commandOf(request, command));
  }

  @MessagePattern(COMMAND_SUBJECTS.gatewayRegister)
  async registerGateway(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { gatewayId, name, zone, tags } = parseRequest(RegisterGatewayDto, body);
    const data = { gatewayId, name, zone, ...(tags !== undefined ? { tags: [...tags] } : {}) };
    const { position } = await this.run(ctx, { type: 'RegisterGateway', data });
    return { gatewayId, position };
  }

  /** A draining gateway keeps its pools and heartbeats, and gets picks only when nothing else is usable. */
  @MessagePattern(COMMAND_SUBJECTS.gatewayDrain)
  async drainGateway(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { gatewayId, draining } = parseRequest(DrainGatewayDto, body);
    const { position } = await this.run(ctx, { type: 'DrainGateway', data: { gatewayId, draining } });
    return { gatewayId, draining, position };
  }

  @MessagePattern(COMMAND_SUBJECTS.gatewayDeregister)
  async deregisterGateway(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { gatewayId } = parseRequest(GatewayRefDto, body);
    const { events, position } = await this.run(ctx, { type: 'DeregisterGateway', data: { gatewayId } });
    const leftPools = events.flatMap((event) => (event.type === 'PoolMemberRemoved' ? [event.data.poolId] : []));
    return { gatewayId, leftPools, position };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolCreate)
  async createPool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { name, description, strategy, maxMembers } = parseRequest(CreatePoolDto, body);
    const poolId = randomUUID();
    const { state, position } = await this.run(ctx, {
      type: 'CreatePool',
      data: { poolId, name, description, strategy, maxMembers },
    });
    return { ...poolReply(poolId, state.pools.get(poolId)), position };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolUpdate)
  async updatePool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId, name, description, strategy, maxMembers } = parseRequest(UpdatePoolDto, body);
    const { state, position } = await this.run(ctx, {
      type: 'UpdatePool',
      data: { poolId, name, description, strategy, maxMembers },
    });
    return { ...poolReply(poolId, state.pools.get(poolId)), position };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolDelete)
  async deletePool(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId } = parseRequest(PoolRefDto, body);
    const { position } = await this.run(ctx, { type: 'DeletePool', data: { poolId } });
    return { poolId, deleted: true, position };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolMemberAdd)
  async addMember(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId, gatewayId } = parseRequest(PoolMemberDto, body);
    const { position } = await this.run(ctx, { type: 'AddPoolMember', data: { poolId, gatewayId } });
    return { poolId, gatewayId, position };
  }

  @MessagePattern(COMMAND_SUBJECTS.poolMemberRemove)
  async removeMember(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { poolId, gatewayId } = parseRequest(PoolMemberDto, body);
    const { position } = await this.run(ctx, { type: 'RemovePoolMember', data: { poolId, gatewayId } });
    return { poolId, gatewayId, removed: true, position };
  }

  /**
   * The rule needs the target's health: the org's liveness, kept in memory from the facts heartbeat-ingest publishes
   * (as routing-query keeps it), is looked up first and goes in the command's data.
   */
  @MessagePattern(COMMAND_SUBJECTS.consumerAttach)
  async attachConsumer(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const dto = parseRequest(AttachConsumerDto, body);
    const target = consumerTarget(dto);
    const { consumerId, consumerType } = dto;
    const request = requestContext(ctx, this.tenancy);
    const liveness = this.liveness.ofOrg(request.org);
    const command = commandOf(request, {
      type: 'AttachConsumer',
      data: { consumerId, consumerType, target, liveness },
    });
    const { position } = await this.handler.handle(request.org, command);
    return {
      consumerId,
      consumerType,
      ...(target.kind === 'pool' ? { poolId: target.poolId } : { gatewayId: target.gatewayId }),
      position,
    };
  }

  @MessagePattern(COMMAND_SUBJECTS.consumerDetach)
  async detachConsumer(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { consumerId } = parseRequest(ConsumerRefDto, body);
    const { position } = await this.run(ctx, { type: 'DetachConsumer', data: { consumerId } });
    return { consumerId, detached: true, position };
  }

  @MessagePattern(ADMIN_SUBJECTS.entitlementSet)
  async setEntitlement(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org, gatewayPools } = parseRequest(SetEntitlementDto, body);
    const { position } = await this.run(ctx, { type: 'SetEntitlement', data: { gatewayPools } }, org);
    return { org, gatewayPools, position };
  }

  /** Operator repair: voids a quarantined event of the org, which is then no longer degraded by it. */
  @MessagePattern(ADMIN_SUBJECTS.eventVoid)
  async voidEvent(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org, revision, reason } = parseRequest(VoidEventDto, body);
    const { position } = await this.run(ctx, { type: 'VoidEvent', data: { revision, reason } }, org);
    return { org, revision, voided: true, position };
  }

  /** Operator command: binds the org to the NATS account its tenants connect with (`gwpool auth org create`). */
  @MessagePattern(ADMIN_SUBJECTS.orgAccountSet)
  async setOrgAccount(@Payload() body: unknown, @Ctx() ctx: NatsContext) {
    const { org, accountPublicKey } = parseRequest(BindAccountDto, body);
    const { events, position } = await this.run(ctx, { type: 'BindAccount', data: { accountPublicKey } }, org);
    return { org, accountPublicKey, changed: events.length > 0, position };
  }
}
