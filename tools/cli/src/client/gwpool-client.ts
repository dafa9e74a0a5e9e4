import {
  ACTOR_HEADER,
  isWireError,
  SERVICE_ERROR_CODE_HEADER,
  SERVICE_ERROR_HEADER,
  type WireError,
} from '@gwpool/contracts/client';
import { readNatsCreds } from '@gwpool/nats-auth';
import {
  type Authenticator,
  AuthorizationError,
  connect,
  headers as natsHeaders,
  InvalidSubjectError,
  type Msg,
  type NatsConnection,
  NoRespondersError,
  PermissionViolationError,
  type Subscription,
  TimeoutError,
} from '@nats-io/transport-node';
import { ApiError, CliError, UsageError } from '../errors.js';
import { formatDuration } from '../output/format.js';

export interface ClientOptions {
  server: string;
  timeoutMs: number;
  actor?: string;
  /** Path of a `.creds` file to authenticate with. */
  creds?: string;
  /** Keep reconnecting after the connection drops (for `watch`); one-shot commands fail fast instead. */
  longLived?: boolean;
}

/** A reply as received: the parsed body (undefined when it is not JSON) for people, the text unchanged for `--json`. */
export interface Reply<T> {
  value: T;
  text: string;
  error?: WireError;
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Turns what the NATS client throws into one line a person can act on. */
export function describeRequestFailure(error: unknown, subject: string, timeoutMs: number): CliError | undefined {
  const chain = causes(error);
  if (chain.some((e) => e instanceof InvalidSubjectError)) return new UsageError(`'${subject}' is not a valid subject`);
  if (chain.some((e) => e instanceof NoRespondersError))
    return new CliError(`no service answered ${subject}; is the stack running?`);
  if (chain.some((e) => e instanceof TimeoutError))
    return new CliError(`no reply to ${subject} within ${formatDuration(timeoutMs)}; the service may be busy or down`);
  const denied = chain.find((e) => e instanceof PermissionViolationError);
  if (denied) return new CliError(`NATS refused: ${denied.message}`);
  const message = error instanceof Error ? error.message : String(error);
  if (/disconnect|closed/i.test(message)) return new CliError(`the connection to NATS was lost during ${subject}`);
  return undefined;
}

export function describeConnectFailure(error: unknown, server: string, withCreds = false): CliError {
  const chain = causes(error);
  const code = chain.map((e) => (e as { code?: unknown }).code).find((c) => typeof c === 'string');
  if (code === 'ERR_INVALID_URL') return new UsageError(`--server '${server}' is not a NATS URL`);
  if (chain.some((e) => e instanceof AuthorizationError))
    return new CliError(
      `NATS at ${server} refused the connection: authorization violation${withCreds ? ' (is the credential revoked?)' : '; pass --creds FILE or set NATS_CREDS'}`,
    );
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : chain.some((e) => e instanceof TimeoutError)
          ? 'timed out'
          : error instanceof Error
            ? error.message
            : String(error);
  return new CliError(`cannot connect to NATS at ${server}: ${reason}; is the stack running?`);
}

/** Parses a reply; an error reply is one that carries Nats-Service-Error-Code (docs/api.md, Errors). */
export function readReply<T>(msg: Pick<Msg, 'headers' | 'string'>): Reply<T> {
  const text = msg.string();
  let value: unknown;
  try {
    value = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    value = undefined;
  }
  const status = msg.headers?.get(SERVICE_ERROR_CODE_HEADER);
  if (!status) return { value: value as T, text };
  const error = (value as { error?: unknown } | null | undefined)?.error;
  const fallback = { code: 'INTERNAL', message: msg.headers?.get(SERVICE_ERROR_HEADER) || `error status ${status}` };
  return { value: value as T, text, error: isWireError(error) ? error : (fallback as WireError) };
}

function credsOf(path: string): Authenticator {
  try {
    return readNatsCreds(path).authenticator;
  } catch (error) {
    throw new UsageError(`--creds: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A NATS connection that speaks the public API: plain JSON requests, wire errors, the actor header. */
export class GwpoolClient {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: ClientOptions,
  ) {}

  static async connect(options: ClientOptions): Promise<GwpoolClient> {
    const authenticator = options.creds ? credsOf(options.creds) : undefined;
    try {
      const nc = await connect({
        authenticator,
        servers: options.server.split(',').map((s) => s.trim()),
        name: 'gwpool-cli',
        timeout: options.timeoutMs,
        reconnect: options.longLived === true,
      });
      return new GwpoolClient(nc, options);
    } catch (error) {
      throw describeConnectFailure(error, options.server, authenticator !== undefined);
    }
  }

  /** Sends a request and returns the reply, error replies included; throws only when no reply came. */
  async send<T>(subject: string, payload: string): Promise<Reply<T>> {
    const h = natsHeaders();
    if (this.options.actor) h.set(ACTOR_HEADER, this.options.actor);
    try {
      const msg = await this.nc.request(subject, payload, { timeout: this.options.timeoutMs, headers: h });
      return readReply<T>(msg);
    } catch (error) {
      throw describeRequestFailure(error, subject, this.options.timeoutMs) ?? error;
    }
  }

  /** Sends a request; an error reply throws an ApiError. */
  async call<T>(subject: string, body: object = {}): Promise<Reply<T>> {
    const reply = await this.send<T>(subject, JSON.stringify(body));
    if (reply.error) throw new ApiError(reply.error);
    if (reply.value === undefined)
      throw new CliError(`the reply on ${subject} is not JSON: ${reply.text.slice(0, 200)}`);
    return reply;
  }

  /** Subscribes and waits until the server has registered the interest, so nothing published after is missed. */
  async subscribe(subject: string, max?: number): Promise<Subscription> {
    let sub: Subscription;
    try {
      sub = this.nc.subscribe(subject, { max });
    } catch (error) {
      throw new UsageError(`cannot watch '${subject}': ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.nc.flush();
    return sub;
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
