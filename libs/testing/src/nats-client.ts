import {
  type Authenticator,
  connect,
  headers as natsHeaders,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/transport-node';

export type Reply<T = Record<string, unknown>> =
  | { ok: true; value: T; headers?: MsgHdrs }
  | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> }; headers?: MsgHdrs };

/** A caller that knows nothing but NATS and JSON, like a client in any other language. */
export class PlainClient {
  private constructor(readonly nc: NatsConnection) {}

  /** With an `authenticator` (a `.creds` file's), authenticates as any NATS client can. */
  static async connect(
    url: string,
    options: { authenticator?: Authenticator; name?: string; reconnect?: boolean } = {},
  ): Promise<PlainClient> {
    const { authenticator } = options;
    const name = options.name ?? 'test-client';
    return new PlainClient(await connect({ servers: url, name, authenticator, reconnect: options.reconnect ?? true }));
  }

  async request<T = Record<string, unknown>>(
    subject: string,
    body: unknown,
    options: { headers?: Record<string, string>; raw?: string; timeoutMs?: number } = {},
  ): Promise<Reply<T>> {
    let h: MsgHdrs | undefined;
    if (options.headers) {
      h = natsHeaders();
      for (const [key, value] of Object.entries(options.headers)) h.set(key, value);
    }
    const payload = options.raw ?? JSON.stringify(body);
    const msg = await this.nc.request(subject, payload, { timeout: options.timeoutMs ?? 5000, headers: h });
    const parsed = msg.json<Record<string, unknown>>();
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      return { ok: false, error: parsed['error'] as never, headers: msg.headers };
    }
    return { ok: true, value: parsed as T, headers: msg.headers };
  }

  /** The reply's value; fails the test with the error reply otherwise. */
  async ok<T = Record<string, unknown>>(
    subject: string,
    body: unknown,
    options?: { headers?: Record<string, string> },
  ): Promise<T> {
    const reply = await this.request<T>(subject, body, options);
    if (!reply.ok) throw new Error(`${subject} answered ${reply.error.code}: ${reply.error.message}`);
    return reply.value;
  }

  publish(subject: string, body: unknown): void {
    this.nc.publish(subject, typeof body === 'string' ? body : JSON.stringify(body));
  }

  flush(): Promise<void> {
    return this.nc.flush();
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

/** Polls until `check` returns a value that passes, or fails with the last value seen. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  accept: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 50, label = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `${label} not reached in ${timeoutMs} ms; last value: ${JSON.stringify(last)} ${lastError instanceof Error ? lastError.message : ''}`,
  );
}
