import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const SYSTEM_BIN_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin'];
const POSTGRES_LIB_DIR = '/usr/lib/postgresql';

export const isRoot = (): boolean => process.getuid?.() === 0;

function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...extraDirs];
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

function aptInstall(pkg: string): void {
  const sudo = isRoot() ? undefined : findExecutable('sudo', SYSTEM_BIN_DIRS);
  if (!isRoot() && !sudo)
    throw new Error(`${pkg} is not installed and there is no sudo to install it: apt-get install ${pkg}`);
  if (!findExecutable('apt-get', SYSTEM_BIN_DIRS))
    throw new Error(`${pkg} is not installed and this machine has no apt-get: install ${pkg} yourself`);
  const run = (...args: string[]) => {
    const command = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    const [file, ...rest] = sudo ? [sudo, ...command] : command;
    console.error(`$ ${sudo ? 'sudo ' : ''}apt-get ${args.join(' ')}`);
    return spawnSync(file as string, rest, { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  };
  // The package lists are often stale or absent in fresh containers; refresh only when the first try fails.
  if (run('install', '-y', pkg)) return;
  if (run('update') && run('install', '-y', pkg)) return;
  throw new Error(`could not install ${pkg} with apt-get: see its output above`);
}

/** Path of nats-server (NATS_SERVER_BIN, else PATH and the system dirs), installed with apt-get when missing. */
export function ensureNatsServer(): string {
  const configured = process.env['NATS_SERVER_BIN'];
  if (configured) return configured;
  const found = findExecutable('nats-server', SYSTEM_BIN_DIRS);
  if (found) return found;
  aptInstall('nats-server');
  const installed = findExecutable('nats-server', SYSTEM_BIN_DIRS);
  if (!installed) throw new Error('apt-get installed nats-server but it is not on PATH, /usr/sbin or /usr/bin');
  return installed;
}

function postgresBinDir(): string | undefined {
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
export function ensurePostgres(): string {
  const found = postgresBinDir();
  if (found) return found;
  aptInstall('postgresql');
  const installed = postgresBinDir();
  if (!installed)
    throw new Error(`apt-get installed postgresql but initdb is neither on PATH nor under ${POSTGRES_LIB_DIR}/*/bin`);
  return installed;
}

const CHROMIUM = '/usr/bin/chromium';

/**
 * Path of Debian's chromium, for the dashboard's browser tests (CHROMIUM_BIN, else /usr/bin/chromium), installed
 * with apt-get when missing. Never a downloaded browser.
 */
export function ensureChromium(): string {
  const configured = process.env['CHROMIUM_BIN'];
  if (configured) return configured;
  if (findExecutable('chromium', [dirname(CHROMIUM)]) === CHROMIUM) return CHROMIUM;
  aptInstall('chromium');
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is not there`);
  return CHROMIUM;
}
