import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export type ServiceName = 'pool-command' | 'heartbeat-ingest' | 'projector' | 'routing-query';

/** One service running as its own OS process from the built dist/, as in production. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  private exited?: Promise<number | null>;

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
  ) {}

  get entry(): string {
    return resolve(REPO_ROOT, 'dist/services', this.name, 'src/main.js');
  }

  start(): this {
    if (!existsSync(this.entry)) throw new Error(`${this.entry} is missing: run node infra/scripts/build.mjs first`);
    this.output = [];
    const child = spawn(process.execPath, ['--enable-source-maps', this.entry], {
      env: { ...process.env, NODE_OPTIONS: '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    this.child = child;
    return this;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output.join('');
  }

  /** SIGKILL models a crash: no shutdown hook runs. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill(signal);
    const timeout = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timeout);
  }
}
