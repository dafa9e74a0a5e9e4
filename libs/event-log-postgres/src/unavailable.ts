import { isPostgresUnavailable } from '@gwpool/connection-errors';
import { EventLogUnavailableError } from '@gwpool/event-log';

export const translate = (error: unknown): unknown =>
  isPostgresUnavailable(error)
    ? new EventLogUnavailableError(`PostgreSQL event log unavailable: ${error.message}`, { cause: error })
    : error;
