// Load clients run as child processes of their own, so their CPU never competes with the measuring loop's event loop.
import { fork } from 'node:child_process';

/**
 * Forks `script` and hands it `config`; `done` resolves with the client's result.
 * `ask(type)` asks a running client for a value (e.g. how many heartbeats it has sent so far).
 */
export function startClient(script, config, { name = script } = {}) {
  const child = fork(script, [], {
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Typed arrays of latency samples cross the pipe without a JSON detour.
    serialization: 'advanced',
  });
  const pending = new Map();
  let nextId = 1;
  let settle;
  const done = new Promise((resolve, reject) => (settle = { resolve, reject }));
  // Long-running clients (the echo responder) are stopped, not awaited: their exit is no error.
  done.catch(() => undefined);
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  child.on('message', (message) => {
    if (message.type === 'ready') markReady();
    else if (message.type === 'result') settle.resolve(message.result);
    else if (message.type === 'error') settle.reject(new Error(`${name}: ${message.message}`));
    else if (message.type === 'reply') {
      pending.get(message.id)?.(message.value);
      pending.delete(message.id);
    }
  });
  child.once('exit', (code, signal) => {
    settle.reject(new Error(`${name} exited (${code ?? signal}) before reporting a result`));
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
  });
  child.send({ type: 'start', config });
  return {
    pid: child.pid,
    ready,
    done,
    ask(type) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(undefined);
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ type: 'ask', id, what: type });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
