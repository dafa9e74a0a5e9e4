import { RequestValidationError, ViewBehindError, type WireError } from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { EventLogUnavailableError, WrongExpectedRevisionError } from '@gwpool/event-log';
import { ReadModelUnavailableError } from '@gwpool/read-model';
import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { boundWireError } from './bounded-wire-error.js';
import { RefusalLog } from './refusal-log.js';

const logger = new Logger('WireExceptionFilter');
const refusals = new RefusalLog('invalid request');

function translate(error: unknown): WireError {
  if (error instanceof RequestValidationError) {
    refusals.note(error.message);
    return { code: 'VALIDATION_FAILED', message: error.message, details: error.details };
  }
  if (error instanceof DomainError) {
    if (error.code === 'VALIDATION_FAILED') refusals.note(error.message);
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return { code: 'CONFLICT', message: 'the org changed concurrently too many times; retry the request' };
  }
  if (error instanceof ViewBehindError) {
    return { code: 'UNAVAILABLE', message: error.message, details: error.details };
  }
  if (error instanceof EventLogUnavailableError || error instanceof ReadModelUnavailableError) {
    return { code: 'UNAVAILABLE', message: `a backing store is unavailable, retry later: ${error.message}` };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { code: 'INTERNAL', message: 'internal error; the service logged the details' };
}

/** The one place where errors become wire errors, bounded in size whatever the caller sent. */
export const toWireError = (error: unknown): WireError => boundWireError(translate(error));

@Catch()
export class WireExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    const wire = toWireError(exception);
    return throwError(() => wire);
  }
}
