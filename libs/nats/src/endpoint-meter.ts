import { SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_HEADER } from '@gwpool/contracts';
import type { Msg, MsgHdrs, Payload, PublishOptions } from '@nats-io/transport-node';
import type { NamedEndpointStats, Service } from '@nats-io/services';

/** Where each request is also recorded, by outcome code (`OK` or the wire error code) and seconds to the reply. */
export type OutcomeRecorder = (code: string, seconds: number) => void;

/**
 * The counters `$SRV.STATS` reports for one endpoint. @nats-io/services times a handler only while it runs
 * synchronously and counts an error only when it throws; Nest answers later, and an error is a reply. So the meter
 * takes the place of the library's counters and counts when the reply goes out: one request, its processing time,
 * and an error when the reply carries `Nats-Service-Error-Code`.
 */
export class EndpointMeter {
  private requests = 0;
  private errors = 0;
  private processingNs = 0;
  private lastError: string | undefined;

  constructor(
    readonly name: string,
    readonly subject: string,
    readonly queue: string,
    private readonly outcomes?: OutcomeRecorder,
  ) {}

  /** `code` names the outcome for metrics: `OK`, or the wire error code of an error reply. */
  record(startedAt: number, error?: string, code = error === undefined ? 'OK' : 'INTERNAL'): void {
    const ms = performance.now() - startedAt;
    this.requests += 1;
    this.processingNs += Math.round(ms * 1e6);
    if (error !== undefined) {
      this.errors += 1;
      this.lastError = error;
    }
    this.outcomes?.(code, ms / 1000);
  }

  /** Called by the library around the synchronous part of the handler only: the reply is counted instead. */
  countLatency(): void {}

  /** Called by the library when the handler throws synchronously (ours does not). */
  countError(error: Error): void {
    this.errors += 1;
    this.lastError = error.message;
  }

  reset(): void {
    this.requests = 0;
    this.errors = 0;
    this.processingNs = 0;
    this.lastError = undefined;
  }

  stats(): NamedEndpointStats {
    return {
      name: this.name,
      subject: this.subject,
      queue_group: this.queue,
      num_requests: this.requests,
      num_errors: this.errors,
      processing_time: this.processingNs,
      average_processing_time: this.requests > 0 ? Math.round(this.processingNs / this.requests) : 0,
      ...(this.lastError === undefined ? {} : { last_error: this.lastError }),
    };
  }

  /** Named like the library's own method, which `$SRV.STATS` may call instead of `stats()`. */
  _stats(): NamedEndpointStats {
    return this.stats();
  }
}

/** Where @nats-io/services 3.0.0-25 keeps an endpoint's counters (not part of its typed API). */
interface ServiceInternals {
  handlers?: { subject: string; stats: unknown }[];
}

/** Puts the meter in place of the counters the library made for the endpoint on `meter.subject`. */
export function attachMeter(service: Service, meter: EndpointMeter): void {
  const entry = (service as unknown as ServiceInternals).handlers?.find((h) => h.subject === meter.subject);
  if (!entry) throw new Error(`@nats-io/services keeps no counters for endpoint ${meter.subject} where expected`);
  entry.stats = meter;
}

/** A message whose reply (or, for an event, whose end) is counted once by its endpoint's meter. */
export class MeteredMsg implements Msg {
  private readonly startedAt = performance.now();
  private counted = false;

  constructor(
    private readonly msg: Msg,
    private readonly meter: EndpointMeter,
  ) {}

  get subject(): string {
    return this.msg.subject;
  }
  get sid(): number {
    return this.msg.sid;
  }
  get reply(): string | undefined {
    return this.msg.reply || undefined;
  }
  get data(): Uint8Array {
    return this.msg.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }

  json<T>(): T {
    return this.msg.json<T>();
  }

  string(): string {
    return this.msg.string();
  }

  respond(payload?: Payload, opts?: PublishOptions): boolean {
    const status = opts?.headers?.get(SERVICE_ERROR_CODE_HEADER);
    if (status) this.done(`${status}:${opts?.headers?.get(SERVICE_ERROR_HEADER) ?? ''}`, wireCodeOf(payload));
    else this.done();
    return this.msg.respond(payload, opts);
  }

  done(error?: string, code?: string): void {
    if (this.counted) return;
    this.counted = true;
    this.meter.record(this.startedAt, error, code);
  }
}

const decoder = new TextDecoder();

/** The `code` of an error reply's body (`{"error":{"code":…}}`); read only for error replies, which are small. */
function wireCodeOf(payload: Payload | undefined): string {
  try {
    const text = typeof payload === 'string' ? payload : payload ? decoder.decode(payload) : '';
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : 'INTERNAL';
  } catch {
    return 'INTERNAL';
  }
}
