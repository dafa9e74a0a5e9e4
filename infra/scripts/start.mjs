// npm start: the local stack. Starts nats-server and PostgreSQL under .data/ (unless NATS_URL, EVENT_STORE_URL and
// READ_MODEL_URL point at running ones), the four services from dist/ (`--replicas N` or REPLICAS instances of each,
// each kept running by the launcher's supervisor), one dashboard, and a demo fleet. Only Ctrl-C stops it.
// Its own nats-server enforces tenancy (operator mode, accounts per org; `--insecure` for a bare one): the auth
// store and every credential live in .data/auth/, and each service connects with its own.
// Node builtins only until the build: the launcher (servers, service processes, the readiness probe) comes from dist/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bindOrgs, prepareDeploymentAuth, shown } from './deployment-auth.mjs';
import { ensureInstalled } from './install.mjs';
import { repoRoot } from './swc-options.mjs';

const CONNECTION_VARS = ['NATS_URL', 'EVENT_STORE_URL', 'READ_MODEL_URL'];
/** Each service's metrics and probe port when free (9464 is Prometheus' usual exporter port), else any free one. */
const METRICS_PORTS = { projector: 9464, 'pool-command': 9465, 'heartbeat-ingest': 9466, 'routing-query': 9467 };
const READY_NOTE_MS = 60_000;

/** dist/libs/launcher, once built. */
let launcher;
const servers = [];
let serversStarting;
/** Supervisors, one per service instance. */
const services = [];
let demo;
let stopping = false;
let width = 0;

function fail(message) {
  console.error(`\n${message}`);
  return shutdown(1);
}

/** Never resolves: it ends the process. Children run in process groups of their own, so Ctrl-C reaches only us and
 * we stop them in order: demo fleet, services, then servers. Should we die abruptly, the launcher kills what is left. */
async function shutdown(code) {
  if (stopping) return new Promise(() => {});
  stopping = true;
  if (demo) await demo.stop('SIGINT', 5000);
  await Promise.all(services.map((supervisor) => supervisor.stop('SIGTERM', 10_000)));
  // A server half way through its start is let finish, then stopped cleanly (PostgreSQL's data is kept).
  await serversStarting;
  await Promise.all(servers.map((server) => server.stop().catch((error) => console.error(String(error)))));
  if (servers.length > 0) console.log('stopped the servers');
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    console.log(`\n${signal}: stopping`);
    void shutdown(0);
  });
}

const printed = (label) => ({
  detached: true,
  keepLines: 40,
  onLine: (line) => console.log(`${label.padEnd(width)} | ${line}`),
});

/** `--replicas N` or REPLICAS: instances of each service, 1 unless given. */
function replicas() {
  const index = process.argv.indexOf('--replicas');
  const text = index >= 0 ? process.argv[index + 1] : process.env.REPLICAS;
  if (text === undefined || text.trim() === '') return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    console.error(`--replicas (or REPLICAS) must be a whole number from 1 to 16, not '${text}'`);
    process.exit(2);
  }
  return n;
}

const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Metrics port of each instance, by label; kept across its restarts. */
const metricsPorts = new Map();

/** One instance, restarted with backoff whenever it exits on its own; it says so, with the exit status and count. */
function startService(name, label, env, creds) {
  // The dashboard serves no metrics.
  const ports = {
    ...(metricsPorts.has(label) ? { METRICS_PORT: String(metricsPorts.get(label)), METRICS_HOST: '127.0.0.1' } : {}),
    ...(creds ? { NATS_CREDS: creds } : {}),
  };
  const service = new launcher.ServiceProcess(name, { env: { ...env, ...ports }, ...printed(label) });
  const supervisor = new launcher.Supervisor(label, service, {
    onRestart: ({ status, ranMs, restarts, delayMs }) => {
      if (stopping) return;
      // After the line reader has printed what the process wrote just before it died.
      setTimeout(() => {
        console.error(
          `${label} ${launcher.describeExit(status)} after ${seconds(ranMs)}; ` +
            `restarting in ${seconds(delayMs)} (restart ${restarts})`,
        );
      }, 50);
    },
  }).start();
  services.push(supervisor);
  return supervisor;
}

/** Until the instance answers $SRV.PING; one that dies while starting is waited for again once restarted. */
async function waitReady(nc, supervisor) {
  for (;;) {
    try {
      return await launcher.waitForSupervised(nc, supervisor, { timeoutMs: READY_NOTE_MS });
    } catch {
      if (stopping) return new Promise(() => {});
      console.error(`${supervisor.label} is not ready after ${READY_NOTE_MS / 1000} s; still waiting (Ctrl-C stops)`);
    }
  }
}

async function ownServers(auth) {
  mkdirSync(join(repoRoot, '.data'), { recursive: true });
  const { preferredPort, startNatsServer, startPostgres } = launcher;
  const started = (server) => (servers.push(server), server);
  serversStarting = Promise.allSettled([
    (async () =>
      startNatsServer({
        dataDir: join(repoRoot, '.data/nats'),
        port: await preferredPort(4222),
        monitorPort: await preferredPort(8222),
        // Nothing uses JetStream; in operator mode each account would need JetStream limits of its own.
        jetstream: !auth,
        ...(auth ? { extraConfig: auth.serverConfig } : {}),
        detached: true,
      }).then(started))(),
    (async () =>
      startPostgres({
        dataDir: join(repoRoot, '.data/postgres'),
        port: await preferredPort(5432),
        persistent: true,
        detached: true,
      }).then(started))(),
  ]);
  const [nats, postgres] = await serversStarting;
  const failed = [nats, postgres].find((r) => r.status === 'rejected');
  if (failed) await fail(String(failed.reason?.message ?? failed.reason));
  return { nats: nats.value, postgres: postgres.value };
}

async function main() {
  const given = CONNECTION_VARS.filter((name) => process.env[name]?.trim());
  if (given.length > 0 && given.length < CONNECTION_VARS.length) {
    const missing = CONNECTION_VARS.filter((name) => !given.includes(name));
    return fail(
      `${given.join(', ')} set but ${missing.join(', ')} not: set all three to use running servers, or none to start local ones`,
    );
  }
  ensureInstalled(repoRoot);
  const build = spawnSync(process.execPath, ['infra/scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.signal) return shutdown(0);
  if (build.status !== 0) return fail('build failed: see above');
  launcher = await import(pathToFileURL(join(repoRoot, 'dist/libs/launcher/src/index.js')).href);
  const count = replicas();
  const labelOf = (name, i) => (count === 1 ? name : `${name}#${i}`);
  width = Math.max(...[...launcher.SERVICE_NAMES, launcher.DASHBOARD].map((name) => labelOf(name, count).length));
  const secure = given.length === 0 && !process.argv.includes('--insecure');
  const org = process.env.DEMO_ORG || 'demo';
  const authDir = join(repoRoot, '.data/auth');
  const natsAuth = () => import(pathToFileURL(join(repoRoot, 'dist/libs/nats-auth/src/index.js')).href);
  const auth = secure
    ? await prepareDeploymentAuth(await natsAuth(), {
        dir: authDir,
        org,
        services: [...launcher.SERVICE_NAMES, launcher.DASHBOARD],
        resolverDir: join(repoRoot, '.data/nats/resolver'),
      })
    : undefined;
  const own = given.length === 0 ? await ownServers(auth) : undefined;
  const urls = own
    ? { NATS_URL: own.nats.url, EVENT_STORE_URL: own.postgres.url, READ_MODEL_URL: own.postgres.url }
    : Object.fromEntries(CONNECTION_VARS.map((name) => [name, process.env[name].trim()]));
  const withDemo = own !== undefined || process.argv.includes('--demo');
  try {
    // For the dashboard's browser tests and screenshots; the dashboard itself runs without it.
    launcher.ensureChromium();
  } catch (error) {
    console.error(`chromium is not installed and could not be (${error.message}); the dashboard runs without it`);
  }
  const dashboardPort = process.env.DASHBOARD_PORT?.trim() || String(await launcher.preferredPort(8080));
  // Added to our environment for the services and the demo.
  const env = {
    ...urls,
    // Short enough for the demo to show a gateway expiring.
    HEARTBEAT_TTL: process.env.HEARTBEAT_TTL || (withDemo ? '15s' : '1h'),
    ENTITLEMENTS: process.env.ENTITLEMENTS || 'open',
    DASHBOARD_PORT: dashboardPort,
  };

  // The second instance of each prefers the port 10 above the first's, and so on.
  for (const name of launcher.SERVICE_NAMES) {
    for (let i = 1; i <= count; i += 1) {
      metricsPorts.set(labelOf(name, i), await launcher.preferredPort(METRICS_PORTS[name] + 10 * (i - 1)));
    }
  }
  const { connect } = await import('@nats-io/transport-node');
  let nc;
  try {
    // Signed natively (nats.js signs slowly enough to miss the server's authentication timeout on a busy machine).
    const authenticator =
      auth && (await natsAuth()).credsAuthenticatorOf(readFileSync(auth.launcherCreds, 'utf8')).authenticator;
    nc = await connect({ servers: urls.NATS_URL, name: 'gwpool-start', authenticator });
  } catch (error) {
    return fail(`cannot connect to NATS at ${urls.NATS_URL}: ${error.message}`);
  }
  // The projector creates the log schema and the views; the others start once it is up, to avoid a cold race.
  // Extra projectors are hot standbys: one holds the writer lease, the others take over when it goes.
  // Each service connects with its own credential (its replicas share it).
  const credsOf = (name) => auth?.servicesCreds[name];
  await waitReady(nc, startService('projector', labelOf('projector', 1), env, credsOf('projector')));
  const instances = launcher.SERVICE_NAMES.flatMap((name) =>
    Array.from({ length: count }, (_, i) => ({ name, i: i + 1 })).filter(
      ({ name, i }) => name !== 'projector' || i > 1,
    ),
  );
  await Promise.all(
    instances.map(({ name, i }) => waitReady(nc, startService(name, labelOf(name, i), env, credsOf(name)))),
  );
  // Each org's tenants may act once the services know its account.
  if (auth) await bindOrgs(auth.store, nc).catch((error) => fail(error.message));
  await waitReady(nc, startService(launcher.DASHBOARD, launcher.DASHBOARD, env, credsOf(launcher.DASHBOARD)));
  await nc.close();

  const orgCreds = join(authDir, 'creds/orgs', org);
  if (withDemo) {
    const script = join(repoRoot, 'infra/scripts/demo-fleet.mjs');
    const demoEnv = { ...env, DEMO_ORG: org, ...(auth ? { DEMO_CREDS_DIR: orgCreds } : {}) };
    demo = new launcher.NodeProcess('demo', script, { env: demoEnv, ...printed('demo') }).start();
    void demo.exited().then(({ code, signal }) => {
      if (!stopping && code !== 0) console.error(`demo fleet exited (${code ?? signal}); the services keep running`);
    });
  }
  const creds = auth ? ` --creds ${shown(repoRoot, auth.adminCreds)}` : '';
  const cli = `NATS_URL=${urls.NATS_URL} npx gwpool${creds} --org ${org}`;
  const tenancy = auth
    ? `tenancy       enforced by NATS (operator mode); credentials in ${shown(repoRoot, authDir)}/ (keep them secret)
  ${org} admin    ${shown(repoRoot, auth.adminCreds)}
  ${org} viewer   ${shown(repoRoot, auth.viewerCreds)}
  gateways      ${shown(repoRoot, join(orgCreds, 'gateways'))}/{gatewayId}.creds
  operators     ${shown(repoRoot, auth.operatorCreds)}
  more          npx gwpool auth org create ORG; npx gwpool auth user issue ${org} NAME --role admin|viewer|router`
    : 'tenancy       NOT enforced: any client of this NATS server can act for any org';
  const dashboardHost = process.env.DASHBOARD_HOST?.trim() || '127.0.0.1';
  const dashboard = `http://${dashboardHost.includes(':') ? `[${dashboardHost}]` : dashboardHost}:${dashboardPort}`;
  console.log(`
gateway-pools is up (Ctrl-C stops ${own ? 'the services and the servers' : 'the services'})
  NATS          ${urls.NATS_URL}${own ? `   monitor ${own.nats.monitorUrl}` : ''}
  PostgreSQL    ${urls.EVENT_STORE_URL}${own ? '   data in .data/' : ''}
  dashboard     ${dashboard}/orgs/${org}
  settings      HEARTBEAT_TTL=${env.HEARTBEAT_TTL} ENTITLEMENTS=${env.ENTITLEMENTS}${withDemo ? ` DEMO_ORG=${org}` : ''}
  ${tenancy}
  services      ${count} instance${count === 1 ? '' : 's'} of each, restarted with backoff when one exits (--replicas N)
metrics and probes (/metrics, /healthz, /readyz)
${[...metricsPorts].map(([label, port]) => `  ${label.padEnd(width)}  http://127.0.0.1:${port}/metrics`).join('\n')}
try
  ${cli} pools list --verbose
  ${cli} route pick ${withDemo ? 'edge-eu' : '<pool>'}
  ${cli} watch
  ${cli} audit --pool ${withDemo ? 'edge-eu' : '<pool>'}
  ${cli} events tail
  ${cli} request gwpool.v1.${org}.query.pool.list
  nats --server ${urls.NATS_URL}${creds} request gwpool.v1.${org}.query.pool.list '{}'   (with the nats CLI)
`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
