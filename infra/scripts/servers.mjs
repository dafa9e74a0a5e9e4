// Throwaway (or, for npm start, persistent) nats-server and PostgreSQL on loopback, for tests and the local stack.
// Node builtins only at load time: `pg` is imported lazily so this loads before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';

const SYSTEM_BIN_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin'];
const POSTGRES_LIB_DIR = '/usr/lib/postgresql';

/** A loopback TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export function isPortFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** The well-known port when it is free, else any free one (so a second stack does not collide with the first). */
export async function preferredPort(port) {
  return (await isPortFree(port)) ? port : freePort();
}

function findExecutable(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

const isRoot = () => process.getuid?.() === 0;

function aptInstall(pkg) {
  const sudo = isRoot() ? undefined : findExecutable('sudo', SYSTEM_BIN_DIRS);
  if (!isRoot() && !sudo)
    throw new Error(`${pkg} is not installed and there is no sudo to install it: apt-get install ${pkg}`);
  if (!findExecutable('apt-get', SYSTEM_BIN_DIRS))
    throw new Error(`${pkg} is not installed and this machine has no apt-get: install ${pkg} yourself`);
  const run = (...args) => {
    const command = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    const [file, ...rest] = sudo ? [sudo, ...command] : command;
    console.error(`$ ${sudo ? 'sudo ' : ''}apt-get ${args.join(' ')}`);
    return spawnSync(file, rest, { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  };
  // The package lists are often stale or absent in fresh containers; refresh only when the first try fails.
  if (run('install', '-y', pkg)) return;
  if (run('update') && run('install', '-y', pkg)) return;
  throw new Error(`could not install ${pkg} with apt-get: see its output above`);
}

/** Path of nats-server, installed with apt-get when missing. */
export function ensureNatsServer() {
  const found = findExecutable('nats-server', SYSTEM_BIN_DIRS);
  if (found) return found;
  aptInstall('nats-server');
  const installed = findExecutable('nats-server', SYSTEM_BIN_DIRS);
  if (!installed) throw new Error('apt-get installed nats-server but it is not on PATH, /usr/sbin or /usr/bin');
  return installed;
}

function postgresBinDir() {
  const onPath = findExecutable('initdb');
  const dir = onPath && dirname(realpathSync(onPath));
  if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'postgres'))) return dir;
  if (!existsSync(POSTGRES_LIB_DIR)) return undefined;
  const versions = readdirSync(POSTGRES_LIB_DIR)
    .filter((v) => existsSync(join(POSTGRES_LIB_DIR, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] ? join(POSTGRES_LIB_DIR, versions[0], 'bin') : undefined;
}

/** Directory holding initdb, pg_ctl and postgres, installed with apt-get when missing. */
export function ensurePostgres() {
  const found = postgresBinDir();
  if (found) return found;
  aptInstall('postgresql');
  const installed = postgresBinDir();
  if (!installed)
    throw new Error(`apt-get installed postgresql but initdb is neither on PATH nor under ${POSTGRES_LIB_DIR}/*/bin`);
  return installed;
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Servers still running when this process exits (an error, a process.exit) are killed synchronously.
const live = new Set();
process.on('exit', () => {
  for (const killNow of live) killNow();
});

function launch(file, args, { logFile, detached, owner }) {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { cwd: '/', detached, stdio: ['ignore', fd, fd], ...owner });
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.once('error', () => {}); // reported through 'exit' and the log
    return { child, exited, running: () => child.exitCode === null && child.signalCode === null };
  } finally {
    closeSync(fd);
  }
}

async function stopChild(proc, signal, graceMs) {
  if (!proc.running()) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/**
 * Starts nats-server with JetStream storing under dataDir; resolves once its monitor answers /healthz.
 * `detached` puts it in its own process group, so a Ctrl-C on the terminal reaches only the caller, which stops it in order.
 */
export async function startNats({ dataDir, port, monitorPort, detached = false }) {
  const bin = ensureNatsServer();
  dataDir = resolve(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'nats-server.log');
  for (let attempt = 1; ; attempt += 1) {
    const p = port ?? (await freePort());
    const m = monitorPort ?? (await freePort());
    try {
      return await launchNats(bin, { dataDir, port: p, monitorPort: m, detached, logFile });
    } catch (error) {
      // freePort() is racy; another process may grab the port before nats-server binds it.
      const retry =
        attempt < 3 &&
        (port === undefined || monitorPort === undefined) &&
        /address already in use/i.test(String(error));
      if (!retry) throw error;
    }
  }
}

async function launchNats(bin, { dataDir, port, monitorPort, detached, logFile }) {
  const args = ['-js', '-sd', join(dataDir, 'jetstream'), '-a', '127.0.0.1'];
  args.push('-p', String(port), '-m', String(monitorPort));
  const proc = launch(bin, args, { logFile, detached });
  const killNow = () => proc.running() && proc.child.kill('SIGKILL');
  live.add(killNow);
  const url = `nats://127.0.0.1:${port}`;
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  const stop = async () => {
    await stopChild(proc, 'SIGTERM', 5000);
    live.delete(killNow);
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!proc.running()) {
      live.delete(killNow);
      throw new Error(`nats-server exited during start (port ${port}); log ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${monitorUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return { url, monitorUrl, logFile, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `nats-server did not become healthy within 20 s at ${monitorUrl}/healthz; log ${logFile}:\n${tail(logFile)}`,
      );
    }
    await sleep(100);
  }
}

// initdb and postgres refuse to run as root; as root they run as the postgres user instead.
function postgresOwner() {
  if (!isRoot()) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no postgres user: run as a normal user, or apt-get install postgresql',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function assertTraversable(dir, owner) {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const { mode, uid, gid } = statSync(d);
    const ok = uid === owner.uid ? mode & 0o100 : gid === owner.gid ? mode & 0o010 : mode & 0o001;
    if (!ok)
      throw new Error(
        `PostgreSQL runs as user postgres, which cannot enter ${d}: chmod o+x ${d} or use another data directory`,
      );
    if (d === dirname(d)) return;
  }
}

function prepareDataDir(dataDir, owner) {
  // Parents keep the default mode (a recursive mkdir would give them 0700 too, shutting the postgres user out).
  mkdirSync(dirname(dataDir), { recursive: true });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  if (owner.uid === undefined) return;
  assertTraversable(dataDir, owner);
  if (statSync(dataDir).uid !== owner.uid) chownSync(dataDir, owner.uid, owner.gid);
}

function clearStaleLock(dataDir) {
  const lock = join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  let comm = '';
  try {
    comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    // no such process
  }
  if (comm === 'postgres') throw new Error(`PostgreSQL is already running on ${dataDir} (pid ${pid}): stop it first`);
  // Left by a killed server; its pid may now belong to an unrelated process, which makes postgres refuse to start.
  rmSync(lock, { force: true });
}

/**
 * Starts PostgreSQL on dataDir (initialising it when empty, reusing it otherwise) and makes sure database gwpool exists.
 * Not persistent means durability off: faster, and the data is thrown away anyway.
 */
export async function startPostgres({ dataDir, port, persistent = false, detached = false }) {
  const binDir = ensurePostgres();
  const owner = postgresOwner();
  dataDir = resolve(dataDir);
  prepareDataDir(dataDir, owner);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const init = spawnSync(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'],
      {
        cwd: '/',
        encoding: 'utf8',
        ...owner,
      },
    );
    if (init.status !== 0)
      throw new Error(`initdb failed for ${dataDir}:\n${init.stdout}${init.stderr}${init.error ?? ''}`);
  }
  clearStaleLock(dataDir);
  const logFile = join(dataDir, 'postgres.log');
  for (let attempt = 1; ; attempt += 1) {
    const p = port ?? (await freePort());
    try {
      return await launchPostgres(binDir, { dataDir, port: p, persistent, detached, owner, logFile });
    } catch (error) {
      const retry = attempt < 3 && port === undefined && /address already in use/i.test(String(error));
      if (!retry) throw error;
    }
  }
}

async function launchPostgres(binDir, { dataDir, port, persistent, detached, owner, logFile }) {
  // A unix socket path over 107 bytes is refused; TCP is all we use, so go without the socket then.
  const socketDir = `${dataDir}/.s.PGSQL.${port}`.length > 100 ? '' : dataDir;
  const settings = ['listen_addresses=127.0.0.1', 'max_connections=400', 'shared_buffers=128MB'];
  if (!persistent) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const args = ['-D', dataDir, '-p', String(port), '-k', socketDir, ...settings.flatMap((s) => ['-c', s])];
  // Spawned directly with uid/gid rather than through runuser, so the postmaster is our own child: we know its pid,
  // and a Ctrl-C to our process group reaches it.
  const proc = launch(join(binDir, 'postgres'), args, { logFile, detached, owner });
  // SIGQUIT is an immediate shutdown: the postmaster takes its backends down with it.
  const killNow = () => proc.running() && proc.child.kill('SIGQUIT');
  live.add(killNow);
  const url = `postgres://postgres@127.0.0.1:${port}/gwpool`;
  const stop = async () => {
    if (proc.running()) {
      const ctl = spawn(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
        cwd: '/',
        stdio: 'ignore',
        ...owner,
      });
      await new Promise((r) => ctl.once('close', r).once('error', r));
    }
    // The postmaster is our child, so a failed pg_ctl still has a way out: SIGINT is what -m fast sends.
    await stopChild(proc, 'SIGINT', 10_000);
    live.delete(killNow);
  };
  try {
    await waitForPostgres(proc, port, logFile);
    await createDatabase(port, 'gwpool');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logFile, stop };
}

async function pgClient(port, database) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function waitForPostgres(proc, port, logFile) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!proc.running())
      throw new Error(`postgres exited during start (port ${port}); log ${logFile}:\n${tail(logFile)}`);
    try {
      const client = await pgClient(port, 'postgres');
      await client.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `postgres did not accept connections within 30 s on port ${port}; log ${logFile}:\n${tail(logFile)}`,
          {
            cause: error,
          },
        );
      }
    }
    await sleep(100);
  }
}

async function createDatabase(port, name) {
  const client = await pgClient(port, 'postgres');
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
