import 'reflect-metadata';
import { PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { loadSettings } from '@gwpool/config';
import { VIEWS_SWAPPED_SUBJECT } from '@gwpool/contracts';
import { ALERT_KIND, ORG_STREAM_PREFIX } from '@gwpool/domain';
import { LivenessView } from '@gwpool/liveness-view';
import { CatalogFollower } from '@gwpool/log-followers';
import { connectNats, startMicroservice, TransportTenancy } from '@gwpool/nats';
import { Observability } from '@gwpool/observability';
import { openActiveViews, openEventLog, openReadModel } from '@gwpool/storage';
import { hostname } from 'node:os';
import { ProjectorModule } from './app.module.js';
import { AlertPublisher } from './alert-publisher.js';
import { AuditReader } from './audit-reader.js';
import { HistoryReader } from './history-reader.js';
import { HealthPublisher } from './health-publisher.js';
import { HealthRecorder } from './health-recorder.js';
import { ProjectionRebuild } from './rebuild/projection-rebuild.js';
import { RebuildEndpoint } from './rebuild/rebuild-endpoint.js';
import { ViewWriter } from './view-writer.js';
import { WriterLeadership } from './writer-leadership.js';

const settings = loadSettings();
const observability = await Observability.start('projector', settings);
const eventLog = await openEventLog(settings.eventStoreUrl);
// The generation of views the pointer names; a rebuild's swap moves it (and this projector's writer) to the next one.
const readModel = await openActiveViews(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings, 'projector:health');
const catalog = new CatalogFollower(eventLog, readModel);
const writer = new ViewWriter(catalog, readModel, eventLog);
const liveness = new LivenessView(nc, readModel, { ttlMs: settings.heartbeatTtlMs, damping: settings.damping });
const follow = { streamPrefix: ORG_STREAM_PREFIX };
const applied = observability.followCatalog(catalog, eventLog, { ...follow, logApplied: 'info' });
let active = false;
const alertMetrics = observability.alerts(Object.values(ALERT_KIND));
const alerts = new AlertPublisher(nc, settings.alertCooldownMs, () => active, alertMetrics);
const recorder = new HealthRecorder(eventLog, catalog, liveness, settings.heartbeatTtlMs);
const health = new HealthPublisher(nc, catalog, liveness, recorder, () => applied.caughtUp, alerts);
// Every instance follows the log in memory; the one holding the writer lease writes the views and publishes health.
const holder = `${hostname()}:${process.pid}`;
const rebuilds = new RebuildEndpoint(nc, TransportTenancy.of(settings), () =>
  ProjectionRebuild.start({
    log: eventLog,
    views: readModel,
    openStore: (namespace) => openReadModel(settings.readModelUrl, namespace),
    live: { catalog, writer },
    publish: (subject, progress) => nc.publish(subject, JSON.stringify(progress)),
    announceSwap: (pointer, position) => nc.publish(VIEWS_SWAPPED_SUBJECT, JSON.stringify({ ...pointer, position })),
    holder,
  }),
);
const leadership = new WriterLeadership(readModel, PROJECTOR_CHECKPOINT, holder, {
  activate: (lease) => writer.activate(lease),
  deactivate: () => writer.deactivate(),
  roleChanged: (role) => {
    const wasActive = active;
    active = role !== 'standby';
    // A new writer takes the pools' status at its first sweep as the baseline: the last one announced what came before.
    if (active && !wasActive) alerts.reset();
    health.setActive(active);
    rebuilds.setActive(role === 'active');
  },
});
// After a swap the lease to hold is the new namespace's: whoever takes it first writes on from the new checkpoint.
readModel.onSwitch(() => void leadership.stepDown());
readModel.followSwaps(nc);
writer.onLeaseLost = () => void leadership.lost();
// The stored views: as this process last wrote them, or as a standby last saw the active writer store them.
const storedViews = () => (writer.active ? writer.flushedPosition : writer.seenStoredPosition) ?? loadedAt;
const stored = observability.follow('views', storedViews, eventLog, follow);
observability.nats('health-nats', nc);
observability.store('read-model', () => readModel.readCheckpoint(PROJECTOR_CHECKPOINT));
observability.pools(() => health.current());
await liveness.start();
await catalog.start();
const loadedAt = catalog.position;
applied.start();
stored.start();
// The recorded health comes before the first round, so nothing recorded before a restart is recorded again.
await recorder.load();
health.start();
writer.startStandby();
leadership.start();
alerts.start();
await startMicroservice(
  ProjectorModule.register({
    settings,
    catalog,
    writer,
    health,
    leadership,
    views: readModel,
    audit: new AuditReader(eventLog),
    history: new HistoryReader(eventLog),
    closables: [
      { close: async () => rebuilds.setActive(false) },
      { close: () => health.stop() },
      { close: async () => alerts.stop() },
      { close: () => catalog.stop() },
      // The last batch goes out under the lease, which is then given up so a standby takes over at once.
      { close: () => writer.stop() },
      { close: () => leadership.stop() },
      { close: async () => liveness.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
      observability,
    ],
  }),
  {
    name: 'projector',
    description: 'folds the event log into the read models and publishes pool health',
    settings,
    observability,
  },
);
