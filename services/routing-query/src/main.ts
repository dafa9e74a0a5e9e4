import 'reflect-metadata';
import { loadSettings } from '@gwpool/config';
import { LivenessView } from '@gwpool/liveness-view';
import { CatalogFollower } from '@gwpool/log-followers';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { RoutingQueryModule } from './app.module.js';

const settings = loadSettings();
const eventLog = await openEventLog(settings.eventStoreUrl);
const readModel = await openReadModel(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings.natsUrl, 'routing-query:liveness');
const catalog = new CatalogFollower(eventLog, readModel);
const liveness = new LivenessView(nc, readModel);
// Views load before the first request is taken, so no query answers from an empty catalog.
await Promise.all([catalog.start(), liveness.start()]);
await startMicroservice(
  RoutingQueryModule.register({
    settings,
    catalog,
    liveness,
    closables: [
      { close: () => catalog.stop() },
      { close: async () => liveness.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
    ],
  }),
  { name: 'routing-query', queue: 'routing-query', settings },
);
