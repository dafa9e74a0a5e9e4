import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

function natsServerBinary(): string {
  const configured = process.env['NATS_SERVER_BIN'];
  if (configured) return configured;
  return CANDIDATES.find((path) => existsSync(path)) ?? 'nats-server';
}

/**
 * A nats-server of one test suite's own: suites share nothing on the bus, so one suite's services
 * never answer another's requests. It picks its own free ports and reports them in its log.
 */
export class NatsServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly monitorUrl: string,
  ) {}

  static start(timeoutMs = 20_000): Promise<NatsServerProcess> {
    const child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', '-1', '-m', '-1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      let url: string | undefined;
      let monitorUrl: string | undefined;
      const timer = setTimeout(
        () => fail(new Error(`nats-server did not start in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        monitorUrl ??= /Starting http monitor on (\S+)/.exec(output)?.[1];
        url ??= /Listening for client connections on (\S+)/.exec(output)?.[1];
        if (url && monitorUrl && output.includes('Server is ready')) {
          clearTimeout(timer);
          child.stdout?.off('data', read);
          child.stderr?.off('data', read);
          resolve(new NatsServerProcess(child, `nats://${url}`, `http://${monitorUrl}`));
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('error', (error) => fail(new Error(`nats-server could not start: ${error.message}`)));
      child.once('exit', (code) => fail(new Error(`nats-server exited with ${String(code)}:\n${output}`)));
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
