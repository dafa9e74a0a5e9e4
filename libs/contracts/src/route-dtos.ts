import { LIMITS, type PickRequest } from '@gwpool/domain';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ReadQueryDto } from './dtos.js';
import { IsOptional, Required, singleToken, Storable, Token, TokenList } from './field-rules.js';

/** Bounds of what one pick may ask; the routing rules cost O(ids) per candidate beyond a few. */
export const PICK_LIMITS = { exclude: 32, requireTags: LIMITS.tags, keyChars: 256, reportDetail: 256 } as const;

/** The options every pick takes besides what it routes through (and a query's minPosition); see docs/api.md. */
abstract class PickOptionsDto extends ReadQueryDto {
  @IsOptional() @TokenList(PICK_LIMITS.exclude) exclude?: string[];
  @IsOptional()
  @Storable()
  @MaxLength(PICK_LIMITS.keyChars)
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  key?: string;
  @IsOptional() @Token() @IsString() preferZone?: string;
  @IsOptional() @TokenList(PICK_LIMITS.requireTags) requireTags?: string[];
}

/** The pick options as the routing rules take them: fresh arrays, only what was given. */
export function pickRequestOf(dto: PickOptionsDto): PickRequest {
  const { exclude, key, preferZone, requireTags } = dto;
  return {
    ...(exclude !== undefined ? { exclude: [...exclude] } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(preferZone !== undefined ? { preferZone } : {}),
    ...(requireTags !== undefined ? { requireTags: [...requireTags] } : {}),
  };
}

/** `route.pick`. A body with only `poolId` is checked by hand on the hot path, as fast as before the options. */
export class PickRouteDto extends PickOptionsDto {
  @Required() @Token() @IsString() poolId!: string;
  static fastParse(body: unknown): PickRouteDto | undefined {
    return singleToken(PickRouteDto, 'poolId', body);
  }
}

/** `route.resolve`; a body with only `consumerId` takes the hand-written check. */
export class ResolveRouteDto extends PickOptionsDto {
  @Required() @Token() @IsString() consumerId!: string;
  static fastParse(body: unknown): ResolveRouteDto | undefined {
    return singleToken(ResolveRouteDto, 'consumerId', body);
  }
}

export const CALLER_OUTCOMES = ['ok', 'failed'] as const;

/** `route.report`: what a caller saw when it used the gateway a pick gave it. */
export class RouteReportDto {
  @Required() @Token() @IsString() poolId!: string;
  @Required() @Token() @IsString() gatewayId!: string;
  @Required() @IsIn(CALLER_OUTCOMES, { message: '$property must be "ok" or "failed"' }) outcome!: 'ok' | 'failed';
  @IsOptional() @Storable() @MaxLength(PICK_LIMITS.reportDetail) @IsString() detail?: string;
}
