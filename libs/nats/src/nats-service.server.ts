import { API } from '@gwpool/contracts';
import { type Service, type ServiceMsg, Svcm } from '@nats-io/services';
import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { NatsContext, type NatsOptions } from '@nestjs/microservices';
import { CachedRouteServerNats } from './cached-route.server.js';
import { attachMeter, EndpointMeter, MeteredMsg, type OutcomeRecorder } from './endpoint-meter.js';
import { plainJsonBody } from './plain-json.deserializer.js';
import { edgeScope, runInEdgeScope } from './request-context.js';
import { toWireError } from './wire-exception.filter.js';
import { isLogScopeEnabled } from '@gwpool/observability';

/** How a service names itself on `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS`. */
export interface ServiceIdentity {
  name: string;
  version: string;
  description?: string;
  /** String values only, as the protocol says; `pid` lets a launcher wait for the very process it started. */
  metadata?: Record<string, string>;
}

/**
 * An endpoint served without Nest: its handler gets each message as it is read off the connection, synchronously,
 * with no deserializer, pipes or reply stream. For subjects whose rate Nest's per-message pipeline cannot afford
 * (heartbeats); the handler must be cheap and must never throw. It is counted in `$SRV.STATS` like the others.
 */
export interface RawEndpoint {
  subject: string;
  /** The service's queue group unless given. */
  queue?: string;
  handler(msg: Msg): void;
}

/**
 * A request endpoint answered without Nest's per-message pipeline (its context creator, reply stream and next-tick
 * reply queue), for the queries whose latency callers wait on before every connection (route.pick). Everything else
 * is as on a message pattern: the plain JSON body (MalformedBody, OversizedBody), the reply serializer, the wire
 * errors of WireExceptionFilter, the meter and the log scope. A message with no reply subject is counted and left
 * unanswered, so a handler must have no effect beyond its reply.
 */
export interface DirectEndpoint {
  subject: string;
  /** The service's queue group unless given. */
  queue?: string;
  /** The reply, or a promise of it; what it throws or rejects with is answered as a wire error. */
  handle(body: unknown, ctx: NatsContext): unknown;
}

/** `gwpool.v1.*.query.route.pick` → `query-route-pick`: the subject's fixed tokens after the API prefix. */
export function endpointName(subject: string): string {
  const rest = subject.startsWith(`${API}.`) ? subject.slice(API.length + 1) : subject;
  const name = rest
    .split('.')
    .filter((token) => token !== '*' && token !== '>')
    .join('-')
    .replace(/[^-\w]/g, '_');
  return name || 'root';
}

/**
 * A Nest NATS server that is also a NATS micro-service (`@nats-io/services`): each message pattern is an endpoint of
 * the service, on the same subject and queue group, instead of a bare subscription. `$SRV.PING`, `$SRV.INFO` and
 * `$SRV.STATS` then list the service, its endpoints and their counts, and a probe can ask for one instance.
 * The service appears only once every endpoint is subscribed, which is after the composition root has loaded what
 * the handlers answer from; the `$SRV` subscriptions go out on the same connection just before the endpoints', so a
 * PING reply means the endpoints are in place too.
 */
export class NatsServiceServer extends CachedRouteServerNats {
  private readonly queue: string;
  private service?: Service;
  private direct: readonly DirectEndpoint[] = [];

  constructor(
    options: Required<NatsOptions>['options'],
    private readonly identity: ServiceIdentity,
    /** Records each endpoint's outcomes elsewhere too (Prometheus); given the endpoint's subject pattern. */
    private readonly outcomes?: (subject: string) => OutcomeRecorder,
    private readonly rawEndpoints: readonly RawEndpoint[] = [],
    private readonly onConnect?: (nc: NatsConnection) => void,
  ) {
    super(options);
    this.queue = options.queue ?? '';
  }

  /** Replaces ServerNats' bare subscriptions (bindEvents) with the service's endpoints. */
  override start(callback: (err?: unknown) => void): void {
    this.register(this.unwrap<NatsConnection>()).then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Set before the application listens: the endpoints come from its providers, made after this server. */
  serveDirectly(endpoints: readonly DirectEndpoint[]): void {
    this.direct = endpoints;
  }

  /** The connection the endpoints are on. */
  get connection(): NatsConnection {
    return this.unwrap<NatsConnection>();
  }

  /** The registered service: its id, info and stats. */
  get registered(): Service | undefined {
    return this.service;
  }

  private async register(nc: NatsConnection): Promise<void> {
    // Before any endpoint subscribes: what the service does on this connection precedes every request it takes.
    this.onConnect?.(nc);
    // Each endpoint names its queue group; the service has none of its own, or @nats-io/services would put an endpoint
    // that asks for none (answered by every instance) in it.
    const service = await new Svcm(nc).add({ ...this.identity, queue: '' });
    const names = new Set<string>();
    const nameOf = (subject: string) => {
      let name = endpointName(subject);
      for (let n = 2; names.has(name); n += 1) name = `${endpointName(subject)}-${n}`;
      names.add(name);
      return name;
    };
    // Every kind of endpoint is metered alike. A subscription error (a permission refused) stops the service: say why.
    const add = (
      subject: string,
      queue: string,
      outcomes: OutcomeRecorder | undefined,
      serve: (msg: ServiceMsg, meter: EndpointMeter) => void,
    ) => {
      const meter = new EndpointMeter(nameOf(subject), subject, queue, outcomes);
      service.addEndpoint(meter.name, {
        subject,
        queue,
        handler: (error, msg) => {
          if (error) this.logger.error(`endpoint ${subject}: ${error.message}`);
          else serve(msg, meter);
        },
      });
      attachMeter(service, meter);
    };
    for (const [subject, handler] of this.messageHandlers) {
      const queue = (handler.extras?.['queue'] as string | undefined) ?? this.queue;
      add(subject, queue, this.outcomes?.(subject), (msg, meter) => this.serve(subject, meter, msg));
    }
    for (const endpoint of this.direct) {
      const { subject } = endpoint;
      add(subject, endpoint.queue ?? this.queue, this.outcomes?.(subject), (msg, meter) =>
        this.serveDirect(endpoint, meter, msg),
      );
    }
    for (const raw of this.rawEndpoints) {
      add(raw.subject, raw.queue ?? this.queue, undefined, (msg, meter) => {
        const startedAt = performance.now();
        raw.handler(msg);
        meter.record(startedAt);
      });
    }
    this.service = service;
    await nc.flush();
  }

  private serve(subject: string, meter: EndpointMeter, msg: ServiceMsg): void {
    const metered = new MeteredMsg(msg, meter);
    // With JSON logs, every line the handler writes carries the request's org, correlation id and trace context.
    const handle = () => this.handleMessage(subject, metered);
    (isLogScopeEnabled() ? runInEdgeScope(edgeScope(msg.subject, msg.headers), handle) : handle()).then(
      // A request is counted when its reply goes out; an event (no reply subject) when its handler is done.
      () => (metered.reply ? undefined : metered.done()),
      (failure: unknown) => {
        metered.done(failure instanceof Error ? failure.message : String(failure));
        this.logger.error(failure);
      },
    );
  }

  private serveDirect(endpoint: DirectEndpoint, meter: EndpointMeter, msg: ServiceMsg): void {
    const metered = new MeteredMsg(msg, meter);
    if (!metered.reply) return metered.done();
    const answer = () => {
      let result: unknown;
      try {
        result = endpoint.handle(plainJsonBody(msg.data), new NatsContext([msg.subject, msg.headers]));
      } catch (failure) {
        return this.reply(metered, { err: toWireError(failure) });
      }
      if (!(result instanceof Promise)) return this.reply(metered, { response: result });
      result.then(
        (response: unknown) => this.reply(metered, { response }),
        (failure: unknown) => this.reply(metered, { err: toWireError(failure) }),
      );
    };
    if (isLogScopeEnabled()) runInEdgeScope(edgeScope(msg.subject, msg.headers), answer);
    else answer();
  }

  /** Serialized as Nest's path would: the bare result, or `{error}` with the service error headers. */
  private reply(msg: MeteredMsg, packet: { response?: unknown; err?: unknown }): void {
    const serialize = (p: typeof packet) =>
      this.serializer.serialize({ id: msg.reply ?? '', ...p }) as { data: string; headers?: MsgHdrs };
    let out: { data: string; headers?: MsgHdrs };
    try {
      out = serialize(packet);
    } catch (failure) {
      // A result that cannot be serialized is answered INTERNAL (toWireError logs why), never left unanswered.
      out = serialize({ err: toWireError(failure) });
    }
    try {
      msg.respond(out.data, out.headers ? { headers: out.headers } : undefined);
    } catch (failure) {
      msg.done(failure instanceof Error ? failure.message : String(failure));
      this.logger.error(failure);
    }
  }
}
