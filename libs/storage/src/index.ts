import { storedEventError } from '@gwpool/domain';
import { type EventLog, SchemaCheckedEventLog } from '@gwpool/event-log';
import type { ReadModelStore } from '@gwpool/read-model';
import { ActiveViews } from './active-views.js';

export * from './active-views.js';

const scheme = (url: string): string => url.slice(0, Math.max(0, url.indexOf('://'))).toLowerCase();

export class UnsupportedStorageUrlError extends Error {
  override name = 'UnsupportedStorageUrlError';
}

/**
 * Picks the event-log adapter by URL scheme, behind the schema check every service appends through: no event that
 * breaks its schema is ever stored. Adapters load lazily so a service only pulls in the driver it uses.
 */
export async function openEventLog(url: string): Promise<EventLog> {
  return new SchemaCheckedEventLog(await openAdapter(url), storedEventError);
}

async function openAdapter(url: string): Promise<EventLog> {
  switch (scheme(url)) {
    case 'postgres':
    case 'postgresql': {
      const { PostgresEventLog } = await import('@gwpool/event-log-postgres');
      return PostgresEventLog.open({ url });
    }
    case 'esdb':
    case 'esdb+discover':
    case 'kurrentdb':
    case 'kurrentdb+discover':
    case 'kurrent':
    case 'kurrent+discover': {
      const { KurrentEventLog } = await import('@gwpool/event-log-kurrentdb');
      return KurrentEventLog.open({ url });
    }
    default:
      throw new UnsupportedStorageUrlError(
        'EVENT_STORE_URL must start with postgres://, postgresql://, esdb://, kurrentdb:// (or their +discover forms)',
      );
  }
}

export async function openReadModel(url: string, namespace?: string): Promise<ReadModelStore> {
  switch (scheme(url)) {
    case 'postgres':
    case 'postgresql': {
      const { PostgresReadModelStore } = await import('@gwpool/read-model-postgres');
      return PostgresReadModelStore.open({ url, namespace });
    }
    case 'mongodb':
    case 'mongodb+srv': {
      const { MongoReadModelStore } = await import('@gwpool/read-model-mongodb');
      return MongoReadModelStore.open({ url, namespace });
    }
    default:
      throw new UnsupportedStorageUrlError(
        'READ_MODEL_URL must start with postgres://, postgresql://, mongodb:// or mongodb+srv://',
      );
  }
}

/**
 * The views a service reads and writes: the generation the views pointer in `baseNamespace` names, followed to the
 * next one when a rebuild swaps (see ActiveViews).
 */
export function openActiveViews(url: string, baseNamespace: string): Promise<ActiveViews> {
  return ActiveViews.open(baseNamespace, (namespace) => openReadModel(url, namespace));
}
