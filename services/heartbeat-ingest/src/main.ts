import 'reflect-metadata';
import { PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { loadSettings } from '@gwpool/config';
import { ORG_STREAM_PREFIX } from '@gwpool/domain';
import { GatewayRegistry } from '@gwpool/log-followers';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { Observability } from '@gwpool/observability';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { HeartbeatIngestModule } from './app.module.js';
import { LivenessRecorder } from './liveness-recorder.js';

const settings = loadSettings();
const observability = await Observability.start('heartbeat-ingest', settings);
const eventLog = await openEventLog(settings.eventStoreUrl);
const readModel = await openReadModel(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings.natsUrl, 'heartbeat-ingest:facts');
const gateways = new GatewayRegistry(eventLog, readModel);
const follower = observability.followLog('gateways', gateways, eventLog, { streamPrefix: ORG_STREAM_PREFIX });
const metrics = observability.heartbeats(() => recorder.backlog);
const recorder = new LivenessRecorder(nc, readModel, metrics);
observability.nats('facts-nats', nc);
observability.store('read-model', () => readModel.readCheckpoint(PROJECTOR_CHECKPOINT));
// The registered gateways must be known before the first heartbeat is judged; their ids are all it needs.
await gateways.start();
await follower.start().whenCaughtUp();
recorder.start();
await startMicroservice(
  HeartbeatIngestModule.register({
    settings,
    gateways,
    recorder,
    metrics,
    closables: [
      { close: () => recorder.stop() },
      { close: () => gateways.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
      observability,
    ],
  }),
  {
    name: 'heartbeat-ingest',
    description: 'turns heartbeats into liveness facts',
    queue: 'heartbeat-ingest',
    settings,
    observability,
  },
);
