import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuthError } from './auth-error.js';

/** A directory only its owner can enter; an existing one is narrowed to that. */
export async function privateDir(path: string): Promise<void> {
  // Only the directory itself is private: parents made on the way (`.data/`) keep the usual mode, as other tools
  // (PostgreSQL running as its own user) must enter them.
  await mkdir(dirname(path), { recursive: true });
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

/**
 * Writes a file readable by its owner only, atomically: readers see the old or the new content, never half of it.
 * The mode is set when the file is created, so the secret is never readable by others, even for a moment.
 */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  await privateDir(dirname(path));
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `work` holding an exclusive lock file, so that two tools changing the store at once do not lose an update.
 * A lock left by a process that died is taken over.
 */
export async function withLock<T>(lockPath: string, work: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt((await readIfExists(lockPath)) ?? '', 10);
      const old = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs > 1000,
        () => false,
      );
      if (old && (!Number.isInteger(holder) || !alive(holder))) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new AuthError('STORE_LOCKED', `the auth store is locked by process ${holder} (${lockPath})`);
      }
      await sleep(25);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
