import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exitOf, isRunning, killOnExit, sleep, spawnLogged, stopChild, tail } from './child-process.js';
import { ensureNatsServer } from './executables.js';
import { freePort, lostPortRace } from './ports.js';

export interface NatsServerOptions {
  /** Holds the generated config, the log and JetStream's store. */
  dataDir: string;
  /** Client port; a free one when omitted. */
  port?: number;
  /** HTTP monitoring port (/healthz, /varz, /connz); a free one when omitted. */
  monitorPort?: number;
  /** JetStream, stored under dataDir/jetstream. Off unless asked for. */
  jetstream?: boolean;
  /** A websocket listener on loopback without TLS (`no_tls`), on `port` or a free one. */
  websocket?: boolean | { port?: number };
  /** Appended to the generated config: accounts, an operator and its JWT resolver, authorization, limits. */
  extraConfig?: string;
  /** Its own process group, so a Ctrl-C on the terminal reaches only the caller, which stops it in order. */
  detached?: boolean;
  /** Where its output goes; dataDir/nats-server.log by default. */
  logFile?: string;
  startTimeoutMs?: number;
}

export interface NatsServer {
  url: string;
  monitorUrl: string;
  websocketUrl?: string;
  configFile: string;
  logFile: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

interface Ports {
  port: number;
  monitorPort: number;
  websocketPort?: number;
}

const quote = (text: string): string => JSON.stringify(text);

function configText(options: NatsServerOptions, ports: Ports, dataDir: string): string {
  const lines = [`listen: ${quote(`127.0.0.1:${ports.port}`)}`, `http: ${quote(`127.0.0.1:${ports.monitorPort}`)}`];
  if (options.jetstream) lines.push(`jetstream { store_dir: ${quote(join(dataDir, 'jetstream'))} }`);
  if (ports.websocketPort !== undefined)
    lines.push(`websocket { host: "127.0.0.1", port: ${ports.websocketPort}, no_tls: true }`);
  if (options.extraConfig) lines.push(options.extraConfig);
  return `${lines.join('\n')}\n`;
}

/** Starts nats-server on loopback from a generated config; resolves once its monitor answers /healthz. */
export async function startNatsServer(options: NatsServerOptions): Promise<NatsServer> {
  const bin = ensureNatsServer();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const wsPort = typeof options.websocket === 'object' ? options.websocket.port : undefined;
  for (let attempt = 1; ; attempt += 1) {
    const ports: Ports = {
      port: options.port ?? (await freePort()),
      monitorPort: options.monitorPort ?? (await freePort()),
      websocketPort: options.websocket ? (wsPort ?? (await freePort())) : undefined,
    };
    try {
      return await launch(bin, options, ports, dataDir);
    } catch (error) {
      // Only a port chosen here can have been lost to a race; a given one stays taken.
      const chosen =
        options.port === undefined ||
        options.monitorPort === undefined ||
        (options.websocket !== undefined && options.websocket !== false && wsPort === undefined);
      if (!(attempt < 3 && chosen && lostPortRace(error))) throw error;
    }
  }
}

async function launch(bin: string, options: NatsServerOptions, ports: Ports, dataDir: string): Promise<NatsServer> {
  const configFile = join(dataDir, 'nats-server.conf');
  writeFileSync(configFile, configText(options, ports, dataDir));
  const logFile = options.logFile ?? join(dataDir, 'nats-server.log');
  const child = spawnLogged(bin, ['-c', configFile], logFile, { detached: options.detached ?? false });
  const release = killOnExit(() => isRunning(child) && child.kill('SIGKILL'));
  const stop = async () => {
    await stopChild(child, 'SIGTERM', 5000);
    release();
  };
  const server: NatsServer = {
    url: `nats://127.0.0.1:${ports.port}`,
    monitorUrl: `http://127.0.0.1:${ports.monitorPort}`,
    ...(ports.websocketPort === undefined ? {} : { websocketUrl: `ws://127.0.0.1:${ports.websocketPort}` }),
    configFile,
    logFile,
    pid: child.pid ?? -1,
    stop,
  };
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(child)) {
      const { code, signal } = await exitOf(child);
      release();
      throw new Error(
        `nats-server exited (${code ?? signal}) during start (port ${ports.port}); log ${logFile}:\n${tail(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${server.monitorUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `nats-server was not healthy within ${timeoutMs / 1000} s at ${server.monitorUrl}/healthz; log ${logFile}:\n${tail(logFile)}`,
      );
    }
    await sleep(50);
  }
}
