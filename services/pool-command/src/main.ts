import 'reflect-metadata';
import { PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { loadSettings } from '@gwpool/config';
import { LivenessView } from '@gwpool/liveness-view';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { Observability } from '@gwpool/observability';
import { openActiveViews, openEventLog } from '@gwpool/storage';
import { PoolCommandModule } from './app.module.js';
import { AppendAnnouncer } from './append-announcer.js';

const settings = loadSettings();
const observability = await Observability.start('pool-command', settings);
const eventLog = await openEventLog(settings.eventStoreUrl);
// The generation of views the pointer names, followed to the next one when a rebuild swaps.
const readModel = await openActiveViews(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings, 'pool-command:liveness');
readModel.followSwaps(nc);
// The attach rule judges a target's health from the same in-memory liveness routing-query answers from.
const liveness = new LivenessView(nc, readModel, { ttlMs: settings.heartbeatTtlMs, damping: settings.damping });
observability.nats('liveness-nats', nc);
// One cheap read of each store: a stream that never exists, and the projector's checkpoint.
observability.store('event-log', () => eventLog.readStream('gwpool-readiness-probe'));
observability.store('read-model', () => readModel.readCheckpoint(PROJECTOR_CHECKPOINT));
await liveness.start();
// Announces on the server's own connection, the one the replies leave on (read-your-writes).
const announcer = new AppendAnnouncer();
await startMicroservice(
  PoolCommandModule.register({
    settings,
    eventLog,
    liveness,
    metrics: observability.commands(),
    announcer,
    closables: [
      { close: async () => liveness.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
      observability,
    ],
  }),
  {
    name: 'pool-command',
    description: 'decides commands and appends their events',
    queue: 'pool-command',
    settings,
    observability,
    onConnect: (server) => announcer.connect(server),
  },
);
