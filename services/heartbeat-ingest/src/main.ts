import 'reflect-metadata';
import { loadSettings } from '@gwpool/config';
import { GatewayRegistry } from '@gwpool/log-followers';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { HeartbeatIngestModule } from './app.module.js';
import { LivenessRecorder } from './liveness-recorder.js';

const settings = loadSettings();
const eventLog = await openEventLog(settings.eventStoreUrl);
const readModel = await openReadModel(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings.natsUrl, 'heartbeat-ingest:facts');
// The registered gateways must be known before the first heartbeat is judged; their ids are all it needs.
const gateways = new GatewayRegistry(eventLog, readModel);
await gateways.start();
const recorder = new LivenessRecorder(nc, readModel);
recorder.start();
await startMicroservice(
  HeartbeatIngestModule.register({
    settings,
    gateways,
    recorder,
    closables: [
      { close: () => recorder.stop() },
      { close: () => gateways.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
    ],
  }),
  { name: 'heartbeat-ingest', queue: 'heartbeat-ingest', settings },
);
