// Installs dependencies when they are missing or older than the lock file. Node builtins only: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function installedAt(root) {
  // npm rewrites node_modules/.package-lock.json on every install; the directory's own mtime only moves on new entries.
  for (const path of [join(root, 'node_modules', '.package-lock.json'), join(root, 'node_modules')]) {
    if (existsSync(path)) return statSync(path).mtimeMs;
  }
  return undefined;
}

export function ensureInstalled(root) {
  const installed = installedAt(root);
  const lock = join(root, 'package-lock.json');
  if (installed !== undefined && (!existsSync(lock) || installed >= statSync(lock).mtimeMs)) return;
  console.log(
    installed === undefined
      ? 'node_modules is missing: npm ci'
      : 'package-lock.json is newer than node_modules: npm ci',
  );
  const run = (args) => spawnSync(npm, args, { cwd: root, stdio: 'inherit' }).status === 0;
  if (run(['ci', '--no-audit', '--no-fund'])) return;
  console.log('npm ci failed, trying npm install');
  if (!run(['install', '--no-audit', '--no-fund'])) throw new Error('npm install failed: see its output above');
}
