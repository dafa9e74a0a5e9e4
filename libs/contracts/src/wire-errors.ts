import type { DomainErrorCode } from '@gwpool/domain';

export type WireErrorCode = DomainErrorCode | 'UNAVAILABLE' | 'INTERNAL';

/** The `error` member of every error reply. */
export interface WireError {
  code: WireErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** HTTP-like statuses carried in the `Nats-Service-Error-Code` header. */
export const WIRE_STATUS: Record<WireErrorCode, number> = {
  VALIDATION_FAILED: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  POOL_IN_USE: 409,
  INTERNAL: 500,
  NO_HEALTHY_GATEWAY: 503,
  /** No member of the pool has every tag asked for: retrying changes nothing until the fleet does. */
  NO_MATCHING_GATEWAY: 422,
  UNAVAILABLE: 503,
};

export const SERVICE_ERROR_HEADER = 'Nats-Service-Error';
export const SERVICE_ERROR_CODE_HEADER = 'Nats-Service-Error-Code';
export const ACTOR_HEADER = 'Gwpool-Actor';
export const CORRELATION_HEADER = 'Gwpool-Correlation-Id';
/** W3C trace context; validated, then carried into the events' metadata and the health updates they cause. */
export const TRACEPARENT_HEADER = 'traceparent';
/** A query's `minPosition`, as a header (read whatever its case). */
export const MIN_POSITION_HEADER = 'Gwpool-Min-Position';

export const isWireError = (value: unknown): value is WireError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as WireError).code === 'string' &&
  (value as WireError).code in WIRE_STATUS &&
  typeof (value as WireError).message === 'string';
