import 'reflect-metadata';
import { loadSettings } from '@gwpool/config';
import { LivenessView } from '@gwpool/liveness-view';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { PoolCommandModule } from './app.module.js';

const settings = loadSettings();
const eventLog = await openEventLog(settings.eventStoreUrl);
const readModel = await openReadModel(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings.natsUrl, 'pool-command:liveness');
// The attach rule judges a target's health from the same in-memory liveness routing-query answers from.
const liveness = new LivenessView(nc, readModel);
await liveness.start();
await startMicroservice(
  PoolCommandModule.register({
    settings,
    eventLog,
    liveness,
    closables: [{ close: async () => liveness.stop() }, { close: () => nc.drain() }, eventLog, readModel],
  }),
  { name: 'pool-command', queue: 'pool-command', settings },
);
