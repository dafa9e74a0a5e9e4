import { headers, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { ApiError, CliError, UsageError } from '../errors.js';
import { describeConnectFailure, describeRequestFailure, readReply } from './gwpool-client.js';

const message = (text: string, errorHeaders?: Record<string, string>) => {
  const h = errorHeaders ? headers() : undefined;
  for (const [key, value] of Object.entries(errorHeaders ?? {})) h?.set(key, value);
  return { string: () => text, headers: h };
};

describe('reading replies', () => {
  it('keeps the text of a reply unchanged next to its parsed value', () => {
    const text = '{"pools":[],"extra":1}';
    expect(readReply(message(text))).toEqual({ value: { pools: [], extra: 1 }, text });
  });

  it('takes an error reply by its header and its body', () => {
    const body = '{"error":{"code":"NOT_FOUND","message":"pool \'x\' not found in org \'acme\'"}}';
    const reply = readReply(message(body, { 'Nats-Service-Error-Code': '404', 'Nats-Service-Error': 'pool' }));
    expect(reply.error).toEqual({ code: 'NOT_FOUND', message: "pool 'x' not found in org 'acme'" });
    expect(new ApiError(reply.error!).message).toBe("NOT_FOUND: pool 'x' not found in org 'acme'");
  });

  it('falls back to the error header when an error body is not the documented shape', () => {
    const reply = readReply(message('oops', { 'Nats-Service-Error-Code': '500', 'Nats-Service-Error': 'it broke' }));
    expect(reply.error).toEqual({ code: 'INTERNAL', message: 'it broke' });
  });

  it('does not take a body with an error member for an error reply without the header', () => {
    expect(readReply(message('{"error":"a field"}')).error).toBeUndefined();
  });

  it('leaves the value undefined for a body that is not JSON', () => {
    expect(readReply(message('plain text')).value).toBeUndefined();
  });
});

describe('describing failures', () => {
  const subject = 'gwpool.v1.acme.query.pool.list';

  it('says that no service answered when nobody listens on the subject', () => {
    const error = new RequestError('no responders', { cause: new NoRespondersError(subject) });
    expect(describeRequestFailure(error, subject, 5000)?.message).toBe(
      'no service answered gwpool.v1.acme.query.pool.list; is the stack running?',
    );
  });

  it('names the subject and the timeout when no reply came in time', () => {
    expect(describeRequestFailure(new TimeoutError(), subject, 1500)?.message).toBe(
      'no reply to gwpool.v1.acme.query.pool.list within 2s; the service may be busy or down',
    );
  });

  it('leaves an error it does not know to the caller', () => {
    expect(describeRequestFailure(new Error('something new'), subject, 5000)).toBeUndefined();
  });

  it('says the server refused the connection, or could not be found', () => {
    const refused = Object.assign(new Error('connection refused'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(describeConnectFailure(refused, 'nats://127.0.0.1:1').message).toBe(
      'cannot connect to NATS at nats://127.0.0.1:1: connection refused; is the stack running?',
    );
    const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
    expect(describeConnectFailure(unknown, 'nats://x:4222').message).toContain('host not found');
  });

  it('takes a malformed server URL for a usage error', () => {
    const error = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
    const described = describeConnectFailure(error, 'not a url');
    expect(described).toBeInstanceOf(UsageError);
    expect(described).toBeInstanceOf(CliError);
    expect(described.exitCode).toBe(2);
  });
});
