import 'reflect-metadata';
import { loadSettings } from '@gwpool/config';
import { startMicroservice } from '@gwpool/nats';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { PoolCommandModule } from './app.module.js';

const settings = loadSettings();
const eventLog = await openEventLog(settings.eventStoreUrl);
const readModel = await openReadModel(settings.readModelUrl, settings.readModelNamespace);
await startMicroservice(PoolCommandModule.register({ settings, eventLog, readModel }), {
  name: 'pool-command',
  queue: 'pool-command',
  settings,
});
