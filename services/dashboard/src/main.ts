import { loadDashboardSettings } from '@gwpool/config';
import { connectNats, packageVersion } from '@gwpool/nats';
import { Svcm } from '@nats-io/services';
import { Logger } from '@nestjs/common';
import { DashboardServer } from './dashboard-server.js';
import { OrgReader } from './org-snapshot.js';

const logger = new Logger('dashboard');
const settings = loadDashboardSettings();
const nc = await connectNats(settings, 'dashboard');
const server = new DashboardServer(nc, new OrgReader(nc));
const url = await server.listen(settings.port, settings.host);
// Registered once it serves, so the launcher's probe is its readiness; the URL is in the metadata for whoever asks.
const service = await new Svcm(nc).add({
  name: 'dashboard',
  version: packageVersion(),
  description: 'the dashboard: pool health in a browser, live',
  metadata: { pid: String(process.pid), url },
});
logger.log(`dashboard on ${url}/orgs/{org}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      await server.close();
      await service.stop().catch(() => undefined);
      await nc.drain().catch(() => undefined);
      process.exit(0);
    })();
  });
}
