import { isPostgresUnavailable } from '@gwpool/connection-errors';
import { ReadModelUnavailableError } from '@gwpool/read-model';

export const translate = (error: unknown): unknown =>
  isPostgresUnavailable(error)
    ? new ReadModelUnavailableError(`PostgreSQL read model unavailable: ${error.message}`, { cause: error })
    : error;
