import {
  CONSUMER_TYPES,
  type ConsumerTarget,
  type ConsumerType,
  DomainError,
  SLUG_PATTERN,
  TOKEN_PATTERN,
} from '@gwpool/domain';
import { IsBoolean, IsDefined, IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const TOKEN_MESSAGE = 'must be 1 to 64 letters, digits, underscores or hyphens';
const SLUG_MESSAGE = 'must be 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen';

const Token = () => Matches(TOKEN_PATTERN, { message: `$property ${TOKEN_MESSAGE}` });
const Required = () => IsDefined({ message: '$property is required' });

export class RegisterGatewayDto {
  @Required() @IsString() @Token() gatewayId!: string;
  @IsOptional() @IsString() @MaxLength(128) name?: string;
  @IsOptional() @IsString() @Token() zone?: string;
}

export class GatewayRefDto {
  @Required() @IsString() @Token() gatewayId!: string;
}

export class CreatePoolDto {
  @Required() @IsString() @Matches(SLUG_PATTERN, { message: `$property ${SLUG_MESSAGE}` }) name!: string;
  @IsOptional() @IsString() @MaxLength(256) description?: string;
}

export class UpdatePoolDto {
  @Required() @IsString() @Token() poolId!: string;
  @IsOptional() @IsString() @Matches(SLUG_PATTERN, { message: `$property ${SLUG_MESSAGE}` }) name?: string;
  /** An empty string clears the description. */
  @IsOptional() @IsString() @MaxLength(256) description?: string;
}

export class PoolRefDto {
  @Required() @IsString() @Token() poolId!: string;
}

export class PoolMemberDto {
  @Required() @IsString() @Token() poolId!: string;
  @Required() @IsString() @Token() gatewayId!: string;
}

export class AttachConsumerDto {
  @Required() @IsString() @Token() consumerId!: string;
  @Required() @IsIn(CONSUMER_TYPES, { message: `$property must be one of ${CONSUMER_TYPES.join(', ')}` })
  consumerType!: ConsumerType;
  @IsOptional() @IsString() @Token() poolId?: string;
  @IsOptional() @IsString() @Token() gatewayId?: string;
}

/** A consumer routes through exactly one pool or one gateway. */
export function consumerTarget(dto: AttachConsumerDto): ConsumerTarget {
  if ((dto.poolId === undefined) === (dto.gatewayId === undefined)) {
    throw new DomainError('VALIDATION_FAILED', 'invalid request: exactly one of poolId or gatewayId is required', {
      fields: { poolId: 'exactly one of poolId or gatewayId is required', gatewayId: 'exactly one of poolId or gatewayId is required' },
    });
  }
  return dto.poolId !== undefined ? { kind: 'pool', poolId: dto.poolId } : { kind: 'gateway', gatewayId: dto.gatewayId as string };
}

export class ConsumerRefDto {
  @Required() @IsString() @Token() consumerId!: string;
}

export class EmptyDto {}

export class HeartbeatDto {
  @Required() @IsIn(['passed', 'failed'], { message: '$property must be "passed" or "failed"' }) check!: 'passed' | 'failed';
  @IsOptional() @IsString() @MaxLength(1024) detail?: string;
  @IsOptional() @IsISO8601() sentAt?: string;
}

export class SetEntitlementDto {
  @Required() @IsString() @Token() org!: string;
  @Required() @IsBoolean() gatewayPools!: boolean;
}
