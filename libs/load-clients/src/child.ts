// Load clients run as child processes of their own, so their CPU never competes with the measuring loop's event loop.
import { isRunning, stopChild } from '@gwpool/launcher';
import { fork } from 'node:child_process';
import type { FromClient, ToClient } from './clients/protocol.js';

export interface LoadClient<Result> {
  pid: number | undefined;
  /** Resolves once the client is connected and about to start. */
  ready: Promise<void>;
  /** The client's result; rejects if it fails or exits without one. */
  done: Promise<Result>;
  /** Asks a running client for a value (e.g. how many heartbeats it has sent so far); undefined once it is gone. */
  ask<T>(what: string): Promise<T | undefined>;
  stop(): Promise<void>;
}

/** Forks `script` and hands it `config`; with `nice`, at that lower CPU priority. */
export function startClient<Config, Result>(
  script: string,
  config: Config,
  { name = script, nice }: { name?: string; nice?: number } = {},
): LoadClient<Result> {
  const child = fork(script, [], {
    // Started under nice(1), every thread of the client has the priority: os.setPriority would reach only one.
    ...(nice === undefined ? { execArgv: [] } : { execPath: 'nice', execArgv: ['-n', String(nice), process.execPath] }),
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Typed arrays of latency samples cross the pipe without a JSON detour.
    serialization: 'advanced',
  });
  const send = (message: ToClient) => child.send(message);
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  let settle: { resolve: (result: Result) => void; reject: (error: Error) => void } | undefined;
  const done = new Promise<Result>((resolve, reject) => (settle = { resolve, reject }));
  // Long-running clients (the echo responder) are stopped, not awaited: their exit is no error.
  done.catch(() => undefined);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.on('message', (message: FromClient) => {
    if (message.type === 'ready') markReady();
    else if (message.type === 'result') settle?.resolve(message.result as Result);
    else if (message.type === 'error') settle?.reject(new Error(`${name}: ${message.message}`));
    else {
      pending.get(message.id)?.(message.value);
      pending.delete(message.id);
    }
  });
  child.once('exit', (code, signal) => {
    settle?.reject(new Error(`${name} exited (${code ?? signal}) before reporting a result`));
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
  });
  send({ type: 'start', config });
  return {
    pid: child.pid,
    ready,
    done,
    ask<T>(what: string) {
      if (!isRunning(child)) return Promise.resolve(undefined);
      const id = nextId++;
      return new Promise<T | undefined>((resolve) => {
        pending.set(id, resolve as (value: unknown) => void);
        send({ type: 'ask', id, what });
      });
    },
    stop: () => stopChild(child, 'SIGTERM', 5000),
  };
}
