import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

export const isRunning = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** Resolves when the child has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<ExitStatus> {
  if (!isRunning(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
}

/** Sends `signal`, and SIGKILL if the child is still there after graceMs; resolves once it has exited. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
  if (!isRunning(child)) return;
  const exited = exitOf(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// Whatever ends this process (an error, process.exit), nothing it started may stay behind.
const onExit = new Set<() => void>();
process.on('exit', () => {
  for (const killNow of onExit) killNow();
});

/** Runs `killNow` (synchronous: a signal) if this process exits while the returned release was not called. */
export function killOnExit(killNow: () => void): () => void {
  onExit.add(killNow);
  return () => onExit.delete(killNow);
}

/** Spawns a server with its output appended to logFile. */
export function spawnLogged(file: string, args: string[], logFile: string, options: SpawnOptions = {}): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { cwd: '/', ...options, stdio: ['ignore', fd, fd] });
    child.once('error', () => {}); // reported through 'exit' and the log
    return child;
  } finally {
    closeSync(fd);
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
