import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { isRunning, killOnExit, sleep, spawnLogged, stopChild, tail } from './child-process.js';
import { ensurePostgres, isRoot } from './executables.js';
import { freePort, lostPortRace } from './ports.js';

export interface PostgresOptions {
  dataDir: string;
  /** A free one when omitted. */
  port?: number;
  /** Durability on (npm start keeps its data); off for throwaway servers, which is faster. */
  persistent?: boolean;
  /** Its own process group, so a Ctrl-C on the terminal reaches only the caller, which stops it in order. */
  detached?: boolean;
}

export interface PostgresServer {
  /** Of database gwpool, which exists. */
  url: string;
  logFile: string;
  /** pg_ctl stop -m fast, then SIGINT to the postmaster if that failed. */
  stop(): Promise<void>;
}

type Owner = { uid?: number; gid?: number };

// initdb and postgres refuse to run as root; as root they run as the postgres user instead.
function postgresOwner(): Owner {
  if (!isRoot()) return {};
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no postgres user: run as a normal user, or apt-get install postgresql',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function assertTraversable(dir: string, owner: Owner): void {
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

function prepareDataDir(dataDir: string, owner: Owner): void {
  // Parents keep the default mode (a recursive mkdir would give them 0700 too, shutting the postgres user out).
  mkdirSync(dirname(dataDir), { recursive: true });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  if (owner.uid === undefined || owner.gid === undefined) return;
  assertTraversable(dataDir, owner);
  if (statSync(dataDir).uid !== owner.uid) chownSync(dataDir, owner.uid, owner.gid);
}

function clearStaleLock(dataDir: string): void {
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

/** Starts PostgreSQL on dataDir (initialising it when empty, reusing it otherwise) and makes sure database gwpool exists. */
export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const binDir = ensurePostgres();
  const owner = postgresOwner();
  const dataDir = resolve(options.dataDir);
  prepareDataDir(dataDir, owner);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const init = spawnSync(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'],
      { cwd: '/', encoding: 'utf8', ...owner },
    );
    if (init.status !== 0)
      throw new Error(`initdb failed for ${dataDir}:\n${init.stdout}${init.stderr}${String(init.error ?? '')}`);
  }
  clearStaleLock(dataDir);
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(binDir, { ...options, dataDir, port }, owner);
    } catch (error) {
      if (!(attempt < 3 && options.port === undefined && lostPortRace(error))) throw error;
    }
  }
}

async function launch(binDir: string, options: PostgresOptions & { port: number }, owner: Owner) {
  const { dataDir, port } = options;
  const logFile = join(dataDir, 'postgres.log');
  // A unix socket path over 107 bytes is refused; TCP is all we use, so go without the socket then.
  const socketDir = `${dataDir}/.s.PGSQL.${port}`.length > 100 ? '' : dataDir;
  const settings = ['listen_addresses=127.0.0.1', 'max_connections=400', 'shared_buffers=128MB'];
  if (!options.persistent) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const args = ['-D', dataDir, '-p', String(port), '-k', socketDir, ...settings.flatMap((s) => ['-c', s])];
  // Spawned directly with uid/gid rather than through runuser, so the postmaster is our own child: we know its pid,
  // and a Ctrl-C to our process group reaches it.
  const child = spawnLogged(join(binDir, 'postgres'), args, logFile, { detached: options.detached ?? false, ...owner });
  // SIGQUIT is an immediate shutdown: the postmaster takes its backends down with it.
  const release = killOnExit(() => isRunning(child) && child.kill('SIGQUIT'));
  const stop = async () => {
    if (isRunning(child)) {
      const ctl = spawn(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
        cwd: '/',
        stdio: 'ignore',
        ...owner,
      });
      await new Promise((r) => ctl.once('close', r).once('error', r));
    }
    // The postmaster is our child, so a failed pg_ctl still has a way out: SIGINT is what -m fast sends.
    await stopChild(child, 'SIGINT', 10_000);
    release();
  };
  try {
    await waitForPostgres(child, port, logFile);
    await createDatabase(port, 'gwpool');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/gwpool`, logFile, stop };
}

async function pgClient(port: number, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function waitForPostgres(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!isRunning(child))
      throw new Error(`postgres exited during start (port ${port}); log ${logFile}:\n${tail(logFile)}`);
    try {
      const client = await pgClient(port, 'postgres');
      await client.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `postgres did not accept connections within 30 s on port ${port}; log ${logFile}:\n${tail(logFile)}`,
          { cause: error },
        );
      }
    }
    await sleep(100);
  }
}

async function createDatabase(port: number, name: string): Promise<void> {
  const client = await pgClient(port, 'postgres');
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
