import { Writable } from 'node:stream';
import { enableLogScope, runInLogScope } from './log-scope.js';
import { nestLogLevels, PinoLogger } from './pino-logger.js';

function capture(threshold: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: PinoLogger.create('routing-query', threshold, sink), lines };
}

describe('JSON logs through pino behind the Nest logger', () => {
  beforeAll(() => enableLogScope());

  it('writes one object per line with level, time, service, context and message', () => {
    const { logger, lines } = capture();

    logger.log('views loaded', 'CatalogFollower');

    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: 'routing-query',
        context: 'CatalogFollower',
        message: 'views loaded',
      },
    ]);
  });

  it('adds the org, correlation id and traceparent of the request in scope, and only then', () => {
    const { logger, lines } = capture();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    runInLogScope({ org: 'acme', correlationId: 'c-1', traceparent }, () => logger.warn('refused', 'Edge'));
    logger.warn('outside', 'Edge');

    expect(lines[0]).toMatchObject({
      level: 'warn',
      org: 'acme',
      correlationId: 'c-1',
      traceparent,
      message: 'refused',
    });
    expect(lines[1]).not.toHaveProperty('org');
    expect(lines[1]).not.toHaveProperty('correlationId');
  });

  it('keeps the stack of an error apart from its message', () => {
    const { logger, lines } = capture();
    const error = new Error('boom');

    logger.error('could not write', error.stack, 'ViewWriter');
    logger.error(new Error('thrown'), 'Edge');

    expect(lines[0]).toMatchObject({ level: 'error', context: 'ViewWriter', message: 'could not write' });
    expect(lines[0]?.['stack']).toMatch(/^Error: boom\n\s+at /);
    expect(lines[1]).toMatchObject({
      message: 'thrown',
      context: 'Edge',
      stack: expect.stringMatching(/^Error: thrown/),
    });
  });

  it('writes nothing below its level, and debug only when asked', () => {
    const quiet = capture('warn');
    quiet.logger.log('info line', 'X');
    quiet.logger.debug('debug line', 'X');
    quiet.logger.warn('warn line', 'X');
    const chatty = capture('debug');
    chatty.logger.debug('debug line', 'X');

    expect(quiet.lines.map((l) => l['message'])).toEqual(['warn line']);
    expect(chatty.lines.map((l) => l['level'])).toEqual(['debug']);
  });

  it('maps a threshold to the levels of Nest’s own logger', () => {
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('debug')).toContain('debug');
    expect(nestLogLevels('error')).toEqual(['fatal', 'error']);
  });
});
