// npm start: the local stack. Starts nats-server and PostgreSQL under .data/ (unless NATS_URL, EVENT_STORE_URL and
// READ_MODEL_URL point at running ones), the four services from dist/, and a demo fleet. Ctrl-C stops it all.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureInstalled } from './install.mjs';
import { preferredPort, startNats, startPostgres } from './servers.mjs';
import { repoRoot } from './swc-options.mjs';

const SERVICES = ['projector', 'pool-command', 'heartbeat-ingest', 'routing-query'];
const PROBES = {
  projector: { subject: 'gwpool.v1.admin.projector.status', accept: (r) => 'eventsApplied' in r },
  // An invalid create is refused without touching any state, and only pool-command answers it.
  'pool-command': { subject: 'gwpool.v1.readiness.cmd.pool.create', accept: (r) => 'error' in r },
  'heartbeat-ingest': { subject: 'gwpool.v1.admin.heartbeat-ingest.stats', accept: (r) => 'accepted' in r },
  'routing-query': { subject: 'gwpool.v1.readiness.query.gateway.list', accept: (r) => 'gateways' in r },
};
const CONNECTION_VARS = ['NATS_URL', 'EVENT_STORE_URL', 'READ_MODEL_URL'];
const READY_TIMEOUT_MS = 60_000;
const width = Math.max(...SERVICES.map((s) => s.length));

const servers = [];
let serversStarting;
const children = new Map();
let demo;
let stopping = false;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(message) {
  console.error(`\n${message}`);
  return shutdown(1);
}

// Children run in process groups of their own so that Ctrl-C reaches only us and we stop them in order:
// demo fleet, services, then servers. Should we die abruptly, nothing of ours may stay behind.
process.on('exit', () => {
  for (const child of [demo?.child, ...[...children.values()].map((c) => c.child)]) {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

async function stopChild(proc, signal, graceMs) {
  const { child, exited } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Never resolves: it ends the process. */
async function shutdown(code) {
  if (stopping) return new Promise(() => {});
  stopping = true;
  if (demo) await stopChild(demo, 'SIGINT', 5000);
  await Promise.all([...children.values()].map((proc) => stopChild(proc, 'SIGTERM', 10_000)));
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

function run(label, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const recent = [];
  const prefix = `${label.padEnd(width)} |`;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      console.log(`${prefix} ${line}`);
    });
  }
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  child.once('error', (error) => recent.push(String(error)));
  return { child, exited, recent };
}

function startService(name, env) {
  const proc = run(name, ['--enable-source-maps', join('dist/services', name, 'src/main.js')], env);
  children.set(name, proc);
  void proc.exited.then((status) => {
    if (stopping) return;
    // Give the line reader a moment to print what the process wrote just before it died.
    setTimeout(() => void fail(`${name} exited (${status}); its last output:\n${proc.recent.join('\n')}`), 100);
  });
  return proc;
}

async function waitReady(nc, name) {
  const probe = PROBES[name];
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!stopping) {
    try {
      const reply = (await nc.request(probe.subject, '{}', { timeout: 1000 })).json();
      if (reply && probe.accept(reply)) return;
    } catch {
      // not subscribed yet
    }
    if (Date.now() > deadline) {
      const recent = children.get(name)?.recent.join('\n') ?? '';
      await fail(
        `${name} did not answer ${probe.subject} within ${READY_TIMEOUT_MS / 1000} s; its last output:\n${recent}`,
      );
    }
    await sleep(200);
  }
  await new Promise(() => {}); // shutting down: the exit comes from shutdown()
}

async function ownServers() {
  mkdirSync(join(repoRoot, '.data'), { recursive: true });
  const started = (server) => (servers.push(server), server);
  serversStarting = Promise.allSettled([
    (async () =>
      startNats({
        dataDir: join(repoRoot, '.data/nats'),
        port: await preferredPort(4222),
        monitorPort: await preferredPort(8222),
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
  const own = given.length === 0 ? await ownServers() : undefined;
  const urls = own
    ? { NATS_URL: own.nats.url, EVENT_STORE_URL: own.postgres.url, READ_MODEL_URL: own.postgres.url }
    : Object.fromEntries(CONNECTION_VARS.map((name) => [name, process.env[name].trim()]));
  const withDemo = own !== undefined || process.argv.includes('--demo');
  const env = {
    ...process.env,
    ...urls,
    // Short enough for the demo to show a gateway expiring.
    HEARTBEAT_TTL: process.env.HEARTBEAT_TTL || (withDemo ? '15s' : '1h'),
    ENTITLEMENTS: process.env.ENTITLEMENTS || 'open',
  };

  const { connect } = await import('@nats-io/transport-node');
  let nc;
  try {
    nc = await connect({ servers: urls.NATS_URL, name: 'gwpool-start' });
  } catch (error) {
    return fail(`cannot connect to NATS at ${urls.NATS_URL}: ${error.message}`);
  }
  // The projector creates the log schema and the views; the others start once it is up, to avoid a cold race.
  startService('projector', env);
  await waitReady(nc, 'projector');
  for (const name of SERVICES.slice(1)) startService(name, env);
  await Promise.all(SERVICES.slice(1).map((name) => waitReady(nc, name)));
  await nc.close();

  const org = process.env.DEMO_ORG || 'demo';
  if (withDemo) {
    demo = run('demo', ['infra/scripts/demo-fleet.mjs'], { ...env, DEMO_ORG: org });
    void demo.exited.then((status) => {
      if (!stopping && status !== 0) console.error(`demo fleet exited (${status}); the services keep running`);
    });
  }
  const cli = `NATS_URL=${urls.NATS_URL} node infra/scripts/gwpool.mjs`;
  console.log(`
gateway-pools is up (Ctrl-C stops ${own ? 'the services and the servers' : 'the services'})
  NATS          ${urls.NATS_URL}${own ? `   monitor ${own.nats.monitorUrl}` : ''}
  PostgreSQL    ${urls.EVENT_STORE_URL}${own ? '   data in .data/' : ''}
  settings      HEARTBEAT_TTL=${env.HEARTBEAT_TTL} ENTITLEMENTS=${env.ENTITLEMENTS}${withDemo ? ` DEMO_ORG=${org}` : ''}
try
  ${cli} pools ${org}
  ${cli} pick ${org} <poolId>
  ${cli} watch 'gwpool.v1.${org}.health.*'
  ${cli} request gwpool.v1.${org}.query.pool.list '{}'
  nats --server ${urls.NATS_URL} request gwpool.v1.${org}.query.pool.list '{}'   (with the nats CLI)
`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
