import 'reflect-metadata';
import { PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { loadSettings } from '@gwpool/config';
import { HEARTBEAT_SUBJECT_PATTERN } from '@gwpool/contracts';
import { ORG_STREAM_PREFIX } from '@gwpool/domain';
import { GatewayRegistry } from '@gwpool/log-followers';
import { connectNats, startMicroservice, TransportTenancy } from '@gwpool/nats';
import { REQUEST_INFO_HEADER } from '@gwpool/nats-auth';
import { Observability } from '@gwpool/observability';
import { openActiveViews, openEventLog } from '@gwpool/storage';
import { HeartbeatIngestModule } from './app.module.js';
import { HeartbeatIntake } from './heartbeat-intake.js';
import { LivenessRecorder } from './liveness-recorder.js';
import { LivenessWriter } from './liveness-writer.js';
import { lowerPriority } from './lower-priority.js';

const settings = loadSettings();
const observability = await Observability.start('heartbeat-ingest', settings);
// At ten times the design load ingest could take every core it shares with the services that answer queries; at a
// lower priority it takes what they leave, and sheds the rest (see HeartbeatIntake). Lowering one's own priority
// needs no privilege; in a container of its own it changes nothing.
if (settings.ingestNice > 0) lowerPriority(settings.ingestNice);
const eventLog = await openEventLog(settings.eventStoreUrl);
// The generation of views the pointer names, followed to the next one when a rebuild swaps.
const readModel = await openActiveViews(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings, 'heartbeat-ingest:facts');
readModel.followSwaps(nc);
const gateways = new GatewayRegistry(eventLog, readModel);
const follower = observability.followLog('gateways', gateways, eventLog, { streamPrefix: ORG_STREAM_PREFIX });
const metrics = observability.heartbeats(() => recorder.backlog);
const writer = new LivenessWriter(readModel, metrics);
const recorder = new LivenessRecorder(nc, writer, metrics);
observability.nats('facts-nats', nc);
observability.store('read-model', () => readModel.readCheckpoint(PROJECTOR_CHECKPOINT));
// The registered gateways must be known before the first heartbeat is judged; their ids are all it needs.
await gateways.start();
await follower.start().whenCaughtUp();
recorder.start();
const tenancy = TransportTenancy.of(settings);
const intake = new HeartbeatIntake(
  {
    isRegistered: (org, gatewayId) => gateways.has(org, gatewayId),
    // Defence in depth: a heartbeat from an org account must come from the account the org is bound to.
    refusal: (org, requestInfo) => tenancy.refusalFor(org, requestInfo, gateways.accountOf(org)),
    record: (record, key) => recorder.record(record, key),
    reply: (subject, body) => nc.publish(subject, JSON.stringify(body)),
    metrics,
  },
  { maxQueued: settings.ingestMaxQueued, maxRate: settings.ingestMaxRate, ttlMs: settings.heartbeatTtlMs },
);
await startMicroservice(
  HeartbeatIngestModule.register({
    intake,
    recorder,
    writer,
    tenancy,
    closables: [
      { close: async () => intake.stop() },
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
    // Measured at 50,000 heartbeats a second: Nest's pipeline (deserializer, pipes, observables, class-validator)
    // cost about 70 µs a heartbeat and NATS cut the service off as a slow consumer. The intake costs a few µs.
    rawEndpoints: [
      {
        subject: HEARTBEAT_SUBJECT_PATTERN,
        handler: (msg) =>
          intake.offer(
            msg.subject,
            msg.data,
            msg.reply || undefined,
            msg.headers?.get(REQUEST_INFO_HEADER) || undefined,
          ),
      },
    ],
  },
);
