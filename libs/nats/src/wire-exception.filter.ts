import type { WireError } from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { EventLogUnavailableError, WrongExpectedRevisionError } from '@gwpool/event-log';
import { ReadModelUnavailableError } from '@gwpool/read-model';
import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

const logger = new Logger('WireExceptionFilter');

/** The one place where errors become wire errors. */
export function toWireError(error: unknown): WireError {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return { code: 'CONFLICT', message: 'the org changed concurrently too many times; retry the request' };
  }
  if (error instanceof EventLogUnavailableError || error instanceof ReadModelUnavailableError) {
    return { code: 'UNAVAILABLE', message: `a backing store is unavailable, retry later: ${error.message}` };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { code: 'INTERNAL', message: 'internal error; the service logged the details' };
}

@Catch()
export class WireExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    const wire = toWireError(exception);
    return throwError(() => wire);
  }
}
