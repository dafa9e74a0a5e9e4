import { expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@gwpool/launcher';

/** The `gwpool` command as npm links it: the bin of the @gwpool/cli workspace, which runs the build in dist/. */
export const GWPOOL_BIN = join(repoRoot(), 'tools/cli/bin/gwpool.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A line of a Node stack trace (`    at fn (file.js:12:5)`). */
export const STACK_LINE = /^\s+at\s.+:\d+:\d+\)?$/m;
// eslint-disable-next-line no-control-regex -- an ANSI escape sequence is what this looks for
export const ANSI = /\u001b\[\d+(;\d+)*m/;

/**
 * The environment of a user's shell: the caller's, without what would change the CLI's behaviour behind the test's
 * back (jest workers set FORCE_COLOR), plus `env`.
 */
export function userEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of Object.keys(clean))
    if (/^(FORCE_COLOR|NO_COLOR|NATS_URL|NATS_CREDS|GWPOOL_.*|NODE_OPTIONS)$/.test(name)) delete clean[name];
  return { ...clean, TERM: 'xterm-256color', ...env };
}

/** Runs a command to its end, with stdin closed; kills it after `timeoutMs`. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `gwpool ARGS` as a person would type it, output piped. */
export const gwpool = (args: string[], env: Record<string, string>): Promise<CliRun> =>
  run(process.execPath, [GWPOOL_BIN, ...args], userEnv(env));

/**
 * `gwpool` for a suite whose env is set in its beforeAll: `run` checks what every run must hold (no stack trace,
 * whatever happened); `ok` also requires exit 0 and gives stdout.
 */
export function checkedGwpool(env: () => Record<string, string>) {
  const run = async (...args: string[]): Promise<CliRun> => {
    const result = await gwpool(args, env());
    expect(result.stdout).not.toMatch(STACK_LINE);
    expect(result.stderr).not.toMatch(STACK_LINE);
    return result;
  };
  const ok = async (...args: string[]): Promise<string> => {
    const result = await run(...args);
    if (result.code !== 0) throw new Error(`gwpool ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  return { run, ok };
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * `gwpool ARGS` on a pseudo-terminal, through util-linux `script`: stdout and stderr are a TTY, as in a terminal
 * window, and come back together on stdout (with the terminal's CRLF line ends).
 */
export function gwpoolInTerminal(args: string[], env: Record<string, string>): Promise<CliRun> {
  const command = [process.execPath, GWPOOL_BIN, ...args].map(quote).join(' ');
  return run('script', ['--quiet', '--return', '--command', command, '/dev/null'], userEnv(env));
}

/** A long-running `gwpool` (watch): its output so far, a way to wait for a line, and its end. */
export function startGwpool(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [GWPOOL_BIN, ...args], {
    cwd: repoRoot(),
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout: output.stdout, stderr: output.stderr })),
  );
  return { child, output, done };
}
