import 'reflect-metadata';
import { loadSettings } from '@gwpool/config';
import { LivenessView } from '@gwpool/liveness-view';
import { CatalogFollower } from '@gwpool/log-followers';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { ProjectorModule } from './app.module.js';
import { HealthPublisher } from './health-publisher.js';
import { ViewWriter } from './view-writer.js';

const settings = loadSettings();
const eventLog = await openEventLog(settings.eventStoreUrl);
const readModel = await openReadModel(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings.natsUrl, 'projector:health');
const catalog = new CatalogFollower(eventLog, readModel);
const writer = new ViewWriter(catalog, readModel);
const liveness = new LivenessView(nc, readModel);
const health = new HealthPublisher(nc, catalog, liveness, settings.heartbeatTtlMs);
await liveness.start();
await catalog.start();
health.start();
await startMicroservice(
  ProjectorModule.register({
    catalog,
    writer,
    health,
    closables: [
      { close: async () => health.stop() },
      { close: () => catalog.stop() },
      { close: () => writer.stop() },
      { close: async () => liveness.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
    ],
  }),
  { name: 'projector', settings },
);
