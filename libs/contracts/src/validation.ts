import { DomainError } from '@gwpool/domain';
import { validateSync, type ValidationError } from 'class-validator';

/** What the deserializer hands on when a request body is not JSON, so the handler can answer it. */
export class MalformedBody {
  constructor(readonly reason: string) {}
}

function collect(errors: ValidationError[], prefix = '', into: Record<string, string> = {}): Record<string, string> {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) into[field] = messages.join('; ');
    if (error.children?.length) collect(error.children, field, into);
  }
  return into;
}

/**
 * Checks a request body against its DTO class and returns a typed instance.
 * Throws VALIDATION_FAILED whose details name each bad field.
 */
export function parseRequest<T extends object>(
  dto: (new () => T) & { fastParse?: (body: unknown) => T | undefined },
  body: unknown,
): T {
  const fast = dto.fastParse?.(body);
  if (fast !== undefined) return fast;
  if (body instanceof MalformedBody) {
    throw new DomainError('VALIDATION_FAILED', `request body is not valid JSON: ${body.reason}`, {
      fields: { body: 'must be a JSON object' },
    });
  }
  if (body === undefined) body = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('VALIDATION_FAILED', 'request body must be a JSON object', {
      fields: { body: 'must be a JSON object' },
    });
  }
  const instance = Object.assign(new dto(), body);
  // One message per field: a missing field need not also be told it is not a string.
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    stopAtFirstError: true,
  });
  if (errors.length > 0) {
    const fields = collect(errors);
    throw new DomainError('VALIDATION_FAILED', `invalid request: ${Object.values(fields).join('; ')}`, { fields });
  }
  return instance;
}
