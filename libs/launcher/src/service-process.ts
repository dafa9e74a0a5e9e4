import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ExitStatus, exitOf, isRunning, killOnExit, stopChild } from './child-process.js';
import { repoRoot } from './repo-root.js';

export const SERVICE_NAMES = ['projector', 'pool-command', 'heartbeat-ingest', 'routing-query'] as const;
/** The dashboard runs beside the services, once: it serves browsers on one port and keeps no state. */
export const DASHBOARD = 'dashboard';
export type ServiceName = (typeof SERVICE_NAMES)[number] | typeof DASHBOARD;

export interface NodeProcessOptions {
  /** Added to this process's environment (NODE_OPTIONS is cleared: a test runner's flags are not the service's). */
  env?: Record<string, string>;
  /** Node flags before the entry point, e.g. `--import` of a profiler. */
  nodeArgs?: string[];
  /** Each line the service prints, as it prints it (npm start shows them). */
  onLine?: (line: string) => void;
  /** Its own process group, so a Ctrl-C on the terminal reaches only the launcher, which stops it in order. */
  detached?: boolean;
  /** How many of its last lines `logs()` keeps. */
  keepLines?: number;
}

/** Path of a service's entry point in the build. */
export const serviceEntry = (name: ServiceName): string => join(repoRoot(), 'dist/services', name, 'src/main.js');

/** A Node.js script as an OS process of its own, its output kept; it can be started again after it stopped. */
export class NodeProcess {
  private child?: ChildProcess;
  private lines: string[] = [];
  private release?: () => void;

  constructor(
    readonly label: string,
    private readonly entry: string,
    private readonly options: NodeProcessOptions = {},
  ) {}

  start(): this {
    if (this.running) throw new Error(`${this.label} is already running (pid ${this.pid})`);
    const entry = this.entry;
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run build)`);
    this.lines = [];
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), '--enable-source-maps', entry], {
      cwd: repoRoot(),
      env: { ...process.env, NODE_OPTIONS: '', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.options.detached ?? false,
    });
    child.once('error', (error) => this.keep(String(error)));
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.keep(line));
    }
    this.release?.();
    this.release = killOnExit(() => isRunning(child) && child.kill('SIGKILL'));
    this.child = child;
    return this;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && isRunning(this.child);
  }

  /** Resolves when the current process has exited. */
  exited(): Promise<ExitStatus> {
    if (!this.child) return Promise.resolve({ code: null, signal: null });
    return exitOf(this.child);
  }

  /** Its last lines of output (stdout and stderr interleaved). */
  logs(lines?: number): string {
    return (lines === undefined ? this.lines : this.lines.slice(-lines)).join('\n');
  }

  /** SIGTERM runs the shutdown hooks; SIGKILL models a crash. SIGKILL follows after graceMs if it is still there. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (this.child) await stopChild(this.child, signal, graceMs);
    this.release?.();
    this.release = undefined;
  }

  private keep(line: string): void {
    this.lines.push(line);
    if (this.lines.length > (this.options.keepLines ?? 400)) this.lines.shift();
    this.options.onLine?.(line);
  }
}

/**
 * One service run from the built dist/ the way production runs it
 * (`node --enable-source-maps dist/services/{name}/src/main.js`).
 */
export class ServiceProcess extends NodeProcess {
  constructor(
    readonly name: ServiceName,
    options: NodeProcessOptions = {},
  ) {
    super(name, serviceEntry(name), options);
  }
}
