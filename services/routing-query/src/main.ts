import 'reflect-metadata';
import { loadSettings } from '@gwpool/config';
import { APPENDED_SUBJECT } from '@gwpool/contracts';
import { ORG_STREAM_PREFIX } from '@gwpool/domain';
import { LivenessView } from '@gwpool/liveness-view';
import { CatalogFollower } from '@gwpool/log-followers';
import { connectNats, startMicroservice } from '@gwpool/nats';
import { Observability } from '@gwpool/observability';
import { openActiveViews, openEventLog } from '@gwpool/storage';
import { RoutingQueryModule } from './app.module.js';
import { ReadFence } from './read-fence.js';
import { RouteEndpoints } from './route-endpoints.js';
import { RouteReports } from './route-reports.js';
import { RoutingView } from './routing-view.js';

const settings = loadSettings();
const observability = await Observability.start('routing-query', settings);
const eventLog = await openEventLog(settings.eventStoreUrl);
// The generation of views the pointer names, followed to the next one when a rebuild swaps.
const readModel = await openActiveViews(settings.readModelUrl, settings.readModelNamespace);
const nc = await connectNats(settings, 'routing-query:liveness');
readModel.followSwaps(nc);
const catalog = new CatalogFollower(eventLog, readModel);
const liveness = new LivenessView(nc, readModel, { ttlMs: settings.heartbeatTtlMs, damping: settings.damping });
const follower = observability.followCatalog(catalog, eventLog, { streamPrefix: ORG_STREAM_PREFIX });
observability.nats('liveness-nats', nc);
const fence = new ReadFence(catalog.gate, settings.readWaitMs, () => follower.lag());
// Every instance hears every command's position (no queue group). Heard from before the views load, so a command
// answered while this instance starts is waited for too, though the snapshot loaded may predate it.
nc.subscribe(APPENDED_SUBJECT, { callback: (_error, msg) => fence.noticed(msg.data) });
await nc.flush();
// Views load and catch up with the log before the first request is taken, so no query answers from a stale catalog.
await Promise.all([catalog.start(), liveness.start()]);
await follower.start().whenCaughtUp();
const metrics = observability.routing();
const view = new RoutingView(catalog, liveness, settings, metrics);
// Every instance hears every caller report, whichever instance took it.
const reports = new RouteReports(nc, catalog, view.table, settings.ejection, metrics);
reports.start();
await startMicroservice(
  RoutingQueryModule.register({
    settings,
    catalog,
    view,
    reports,
    fence,
    nc,
    closables: [
      { close: async () => reports.stop() },
      { close: () => catalog.stop() },
      { close: async () => liveness.stop() },
      { close: () => nc.drain() },
      eventLog,
      readModel,
      observability,
    ],
  }),
  {
    name: 'routing-query',
    description: 'answers queries and route picks from memory',
    queue: 'routing-query',
    directEndpoints: (app) => app.get(RouteEndpoints).endpoints(),
    settings,
    observability,
    // Heard again on the connection the queries arrive on: NATS keeps the order of one publisher's messages to one
    // connection, so a command's notice is handled before any query its caller sends after the reply.
    onConnect: (server) => {
      server.subscribe(APPENDED_SUBJECT, { callback: (_error, msg) => fence.noticed(msg.data) });
    },
  },
);
