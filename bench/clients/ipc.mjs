// The child side of lib/child.mjs: wait for the config, run, send the result back, exit.

/**
 * `run(config, io)` does the work; io.answer(type, fn) serves the parent's questions, io.on(type, fn) its notices.
 */
export function serve(run) {
  const answers = new Map();
  const notices = new Map();
  const io = {
    ready: () => process.send({ type: 'ready' }),
    answer: (type, fn) => answers.set(type, fn),
    on: (type, fn) => notices.set(type, fn),
  };
  process.on('message', (message) => {
    if (message.type === 'ask') {
      const fn = answers.get(message.what);
      process.send({ type: 'reply', id: message.id, value: fn ? fn() : undefined });
    } else if (message.type === 'tell') notices.get(message.what)?.(message.value);
    else if (message.type === 'start') {
      run(message.config, io).then(
        (result) => process.send({ type: 'result', result }, () => process.exit(0)),
        (error) => process.send({ type: 'error', message: error?.stack ?? String(error) }, () => process.exit(1)),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
}
