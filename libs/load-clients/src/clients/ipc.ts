// The child side of lib/child.ts: wait for the config, run, send the result back, exit.
import type { FromClient, ToClient } from './protocol.js';

/** Load clients outlive a NATS restart, as the services do: they reconnect at once, forever. */
export const RECONNECT = { maxReconnectAttempts: -1, reconnectTimeWait: 250 } as const;

export interface ClientIo {
  ready(): void;
  /** Serves the parent's `ask(what)`. */
  answer(what: string, fn: () => unknown): void;
  /** Serves the parent's notices. */
  on(what: string, fn: (value: unknown) => void): void;
}

const send = (message: FromClient, done?: () => void): void => {
  process.send?.(message, undefined, undefined, done);
};

/** `run(config, io)` does the work; its result goes back to the parent, and the process exits. */
export function serve<Config, Result>(run: (config: Config, io: ClientIo) => Promise<Result>): void {
  const answers = new Map<string, () => unknown>();
  const notices = new Map<string, (value: unknown) => void>();
  const io: ClientIo = {
    ready: () => send({ type: 'ready' }),
    answer: (what, fn) => answers.set(what, fn),
    on: (what, fn) => notices.set(what, fn),
  };
  process.on('message', (message: ToClient) => {
    if (message.type === 'ask') {
      const fn = answers.get(message.what);
      send({ type: 'reply', id: message.id, value: fn ? fn() : undefined });
    } else if (message.type === 'tell') notices.get(message.what)?.(message.value);
    else {
      run(message.config as Config, io).then(
        (result) => send({ type: 'result', result }, () => process.exit(0)),
        (error: unknown) =>
          send(
            { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
            () => process.exit(1),
          ),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
}
