// Over 200 lines: intake, coalescing, the processing budget and the drop account are one mechanism; split, the rule
// that every heartbeat received is counted exactly once would be spread over several files.
import type { HeartbeatMetrics } from '@gwpool/observability';
import {
  HeartbeatDto,
  MAX_BODY_BYTES,
  OversizedBody,
  parseHeartbeatSubject,
  parseRequest,
  type ReportedLoad,
  RequestValidationError,
} from '@gwpool/contracts';
import { clip, plainJsonBody, WIRE_LIMITS } from '@gwpool/nats';
import { Logger } from '@nestjs/common';
import { IntakeQueue, type Tier } from './intake-queue.js';
import type { HeartbeatRecord } from './liveness-recorder.js';

const LOG_EVERY_MS = 10_000;

/** Only the two declared fields of a load the DTO has checked, copied into a fresh object. */
const loadOf = ({ activeConnections, capacity }: ReportedLoad): ReportedLoad =>
  capacity === undefined ? { activeConnections } : { activeConnections, capacity };
/** How long one turn of processing may hold the event loop before the connection is read again. */
const TURN_MS = 5;
const CLOCK_EVERY = 64;
/**
 * A gateway keeps its seniority while this instance accepted one of its heartbeats within three TTLs: the queue group
 * spreads a gateway's heartbeats over the instances, so one instance may not see it for a while.
 */
const LAPSE_TTLS = 3;
/** Under overload a gateway's liveness is refreshed about four times per TTL; heartbeats in between can wait. */
const REFRESH_TTLS = 0.25;

/** The bodies nearly every gateway sends, recognised without parsing. */
const CANONICAL = {
  passed: new TextEncoder().encode('{"check":"passed"}'),
  failed: new TextEncoder().encode('{"check":"failed"}'),
} as const;

/** A hint only, for ordering: the body is validated when processed. */
const mayFail = (data: Uint8Array): boolean =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes('failed');

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
};

export type DropReason = 'unregistered' | 'invalid' | 'forbidden' | 'shed';

export interface HeartbeatCounts {
  /** Every heartbeat read off the connection; = accepted + unregistered + invalid + forbidden + shed + queued. */
  received: number;
  accepted: number;
  unregistered: number;
  invalid: number;
  /** From a tenant account the org is not bound to. */
  forbidden: number;
  /** Dropped on purpose because they could not be processed in time (see HeartbeatIntake). */
  shed: number;
}

/** A heartbeat read but not yet processed: its time of arrival, and its body (copied: the read buffer is reused). */
interface Waiting {
  subject: string;
  receivedAt: number;
  body: 'passed' | 'failed' | Uint8Array | OversizedBody;
  reply?: string;
  /** `Nats-Request-Info`, which the server writes on a heartbeat from an org account. */
  requestInfo?: string;
}

export interface IntakeOptions {
  /** Heartbeats waiting at most; beyond it, newcomers' heartbeats are shed until there is room. */
  maxQueued: number;
  /** Heartbeats processed per second at most (0: as many as the CPU allows). */
  maxRate: number;
  /** The heartbeat TTL: under overload each gateway is refreshed about four times per TTL (see IntakeQueue). */
  ttlMs: number;
}

/** What this instance knows of a gateway whose heartbeats it accepts. */
interface Standing {
  /** When this instance began to accept its heartbeats without a lapse: older is served first under overload. */
  since: number;
  /** The arrival time of the last one accepted. */
  last: number;
  check: 'passed' | 'failed';
}

export interface IntakePorts {
  /** Whether the gateway is registered in the org. */
  isRegistered(org: string, gatewayId: string): boolean;
  /** Why a heartbeat from a tenant account may not speak for the org, or undefined (see TransportTenancy). */
  refusal?(org: string, requestInfo: string | undefined): string | undefined;
  /** Keeps an accepted heartbeat under `key` (its subject, naming the gateway); false when the record is refused. */
  record(record: HeartbeatRecord, key: string): boolean;
  /** Sends a reply to a heartbeat sent as a request. */
  reply(subject: string, body: object): void;
  /** Counts outcomes in Prometheus too, when metrics are on. */
  metrics?: Pick<HeartbeatMetrics, 'accepted' | 'dropped'> | undefined;
}

/**
 * The heartbeat path, kept cheap because it runs at tens of thousands of messages a second. Reading a message off
 * the connection only notes when it arrived and puts it in a queue keyed by its subject (one gateway), so a newer
 * heartbeat of a gateway replaces one still waiting; the replaced one is shed. Processing (validation, registration,
 * recording) runs in turns of at most 5 ms, each followed by a chance for the connection to be read, and optionally
 * at most `maxRate` a second. So when heartbeat-ingest cannot keep up it never leaves NATS to buffer for it (NATS
 * would cut it off as a slow consumer): it sheds, counting every heartbeat it drops, and what it keeps of each
 * gateway is the newest, so health stays right. The queue holds at most one entry per gateway, and at most
 * `maxQueued`: memory stays bounded.
 *
 * Under overload, which gateways stay alive is decided, not left to chance: served in turn, every gateway would wait
 * longer than the TTL and all would expire together. A changed check goes first, then the gateways whose liveness
 * needs refreshing, those this instance has kept alive longest first, then newcomers, then gateways refreshed a
 * moment ago (see IntakeQueue). So the fleet that was healthy before a burst stays healthy, newcomers get what
 * capacity is left, and a flood of unknown or forged gateways cannot starve known ones.
 */
export class HeartbeatIntake {
  readonly counts: HeartbeatCounts = { received: 0, accepted: 0, unregistered: 0, invalid: 0, forbidden: 0, shed: 0 };
  private readonly queue = new IntakeQueue<Waiting>();
  private readonly standing = new Map<string, Standing>();
  private readonly lapseMs: number;
  private readonly refreshMs: number;
  private lastPrune = Date.now();
  private scheduled = false;
  private stopped = false;
  private readonly logger = new Logger(HeartbeatIntake.name);
  private lastDropLog = 0;
  private lastShedLog = 0;
  private shedLogged = 0;
  /** Processing allowance under maxRate, in heartbeats, refilled with time. */
  private allowance = 0;
  private allowanceAt = 0;

  constructor(
    private readonly ports: IntakePorts,
    private readonly options: IntakeOptions,
  ) {
    this.lapseMs = LAPSE_TTLS * options.ttlMs;
    this.refreshMs = REFRESH_TTLS * options.ttlMs;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** For each heartbeat as it is read off the connection: O(1), never throws. */
  offer(subject: string, data: Uint8Array, reply?: string, requestInfo?: string): void {
    this.counts.received += 1;
    const receivedAt = Date.now();
    if (this.stopped) {
      this.counts.shed += 1;
      this.ports.metrics?.dropped('shed');
      return;
    }
    let body: Waiting['body'];
    if (equalBytes(data, CANONICAL.passed)) body = 'passed';
    else if (equalBytes(data, CANONICAL.failed)) body = 'failed';
    else body = data.length > MAX_BODY_BYTES ? new OversizedBody(data.length) : data.slice();
    const waiting: Waiting = reply ? { subject, receivedAt, body, reply } : { subject, receivedAt, body };
    if (requestInfo) waiting.requestInfo = requestInfo;
    const standing = this.standing.get(subject);
    const tier = this.tierOf(standing, data, body, receivedAt);
    if (!this.queue.has(subject) && this.queue.size >= this.options.maxQueued) {
      const room = tier === 'newcomer' || tier === 'fresh' ? undefined : this.queue.evict();
      const why = `heartbeat-ingest is over capacity (${this.queue.size} heartbeats waiting)`;
      if (room === undefined) return this.drop(waiting, 'shed', why);
      this.drop(room, 'shed', `${why}; a known gateway's heartbeat took its place`);
    }
    const older = this.queue.put(subject, waiting, tier, standing?.since ?? receivedAt);
    if (older !== undefined)
      this.drop(older, 'shed', `superseded by a newer heartbeat of the same gateway before it could be processed`);
    this.schedule();
  }

  /** Gateways this instance keeps alive (accepted one of their heartbeats within three TTLs). */
  get kept(): number {
    return this.standing.size;
  }

  private tierOf(standing: Standing | undefined, data: Uint8Array, body: Waiting['body'], at: number): Tier {
    if (!this.keeps(standing, at)) return 'newcomer';
    const check = typeof body === 'string' ? body : body instanceof OversizedBody ? standing.check : undefined;
    const failing = check === undefined ? mayFail(data) : check === 'failed';
    if (failing !== (standing.check === 'failed')) return 'news';
    return at - standing.last >= this.refreshMs ? 'due' : 'fresh';
  }

  private stand(subject: string, at: number, check: 'passed' | 'failed'): void {
    const standing = this.standing.get(subject);
    if (!this.keeps(standing, at)) this.standing.set(subject, { since: at, last: at, check });
    else if (at >= standing.last) {
      standing.last = at;
      standing.check = check;
    }
  }

  /** Forgets gateways whose seniority has lapsed, at most once per lapse: memory stays bounded by the live fleet. */
  private prune(now: number): void {
    if (now - this.lastPrune < Math.min(this.lapseMs, 60_000)) return;
    this.lastPrune = now;
    for (const [subject, standing] of this.standing) if (!this.keeps(standing, now)) this.standing.delete(subject);
  }

  /** Whether the gateway still has its seniority at `at`: a heartbeat of it accepted within three TTLs. */
  private keeps(standing: Standing | undefined, at: number): standing is Standing {
    return standing !== undefined && at - standing.last <= this.lapseMs;
  }

  /** Processes what is waiting, then stops taking more (what arrives after is shed). */
  stop(): void {
    this.stopped = true;
    while (this.queue.size > 0) this.turn(Number.POSITIVE_INFINITY);
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn(TURN_MS);
      if (this.queue.size > 0) this.schedule();
    });
  }

  /** Processes in arrival order for at most `budgetMs`, and within the rate allowance. */
  private turn(budgetMs: number): void {
    const started = performance.now();
    let allowed = this.allowed();
    let n = 0;
    this.prune(Date.now());
    while (allowed > 0) {
      const waiting = this.queue.shift();
      if (waiting === undefined) break;
      this.process(waiting);
      allowed -= 1;
      n += 1;
      if (n % CLOCK_EVERY === 0 && performance.now() - started >= budgetMs) break;
    }
    if (this.options.maxRate > 0) this.allowance -= n;
    // Under a rate cap, a queue that had no allowance left waits for the next refill, not the next tick.
    if (allowed <= 0 && this.queue.size > 0 && !this.stopped) {
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.schedule();
      }, 10);
    }
  }

  private allowed(): number {
    if (this.options.maxRate <= 0 || this.stopped) return Number.POSITIVE_INFINITY;
    const now = performance.now();
    const rate = this.options.maxRate;
    // Refilled with elapsed time, holding at most a tenth of a second's worth.
    this.allowance = Math.min(rate / 10, this.allowance + ((now - this.allowanceAt) / 1000) * rate);
    this.allowanceAt = now;
    return Math.floor(this.allowance);
  }

  private process(waiting: Waiting): void {
    const target = parseHeartbeatSubject(waiting.subject);
    if (!target)
      return this.drop(waiting, 'invalid', `subject '${waiting.subject}' does not name a valid org and gateway`);
    const refused = this.ports.refusal?.(target.org, waiting.requestInfo);
    if (refused) return this.drop(waiting, 'forbidden', refused);
    let check: 'passed' | 'failed';
    let detail: string | undefined;
    let load: ReportedLoad | undefined;
    if (typeof waiting.body === 'string') check = waiting.body;
    else {
      try {
        const body = waiting.body instanceof OversizedBody ? waiting.body : plainJsonBody(waiting.body);
        const dto = parseRequest(HeartbeatDto, body);
        check = dto.check;
        detail = dto.detail;
        load = dto.load;
      } catch (error) {
        // Only the validation message goes back; anything else is a bug, logged here and never shown.
        if (!(error instanceof RequestValidationError))
          this.logger.error(`could not read a heartbeat: ${String(error)}`);
        const why = error instanceof RequestValidationError ? error.message : 'the heartbeat could not be read';
        return this.drop(waiting, 'invalid', `heartbeat of '${target.gatewayId}' in org '${target.org}': ${why}`);
      }
    }
    if (!this.ports.isRegistered(target.org, target.gatewayId)) {
      const why = `gateway '${target.gatewayId}' is not registered in org '${target.org}'`;
      return this.drop(waiting, 'unregistered', why);
    }
    const record: HeartbeatRecord = { org: target.org, gatewayId: target.gatewayId, at: waiting.receivedAt, check };
    if (detail) record.detail = detail;
    if (load) record.load = loadOf(load);
    const kept = this.ports.record(record, waiting.subject);
    if (!kept) {
      const why = `heartbeat of '${target.gatewayId}' in org '${target.org}' is not valid`;
      return this.drop(waiting, 'invalid', why);
    }
    this.stand(waiting.subject, waiting.receivedAt, check);
    this.counts.accepted += 1;
    this.ports.metrics?.accepted();
    if (waiting.reply) this.ports.reply(waiting.reply, { accepted: true });
  }

  /** Never throws: a heartbeat has no caller to take an error, unless it was sent as a request. */
  private drop(waiting: Waiting, reason: DropReason, text: string): void {
    const message = clip(text, WIRE_LIMITS.messageChars);
    this.counts[reason] += 1;
    this.ports.metrics?.dropped(reason);
    if (waiting.reply) this.ports.reply(waiting.reply, { accepted: false, reason, message });
    const now = Date.now();
    if (reason === 'shed') return this.logShed(now);
    if (now - this.lastDropLog < LOG_EVERY_MS) return;
    this.lastDropLog = now;
    const { unregistered, invalid, forbidden } = this.counts;
    this.logger.warn(
      `dropped heartbeat (${reason}): ${message} [dropped so far: ${unregistered} unregistered, ${invalid} invalid, ${forbidden} forbidden]`,
    );
  }

  /** One warning when shedding starts, then at most one summary per 10 s while it goes on. */
  private logShed(now: number): void {
    if (now - this.lastShedLog < LOG_EVERY_MS) return;
    const since = this.counts.shed - this.shedLogged;
    this.logger.warn(
      this.lastShedLog === 0 || now - this.lastShedLog > 2 * LOG_EVERY_MS
        ? `shedding heartbeats: more arrive than can be processed; the newest of each gateway is kept (${this.queue.size} waiting)`
        : `shed ${since} heartbeats in the last ${Math.round((now - this.lastShedLog) / 1000)} s, the newest of each gateway kept (${this.queue.size} waiting, ${this.counts.shed} shed in all)`,
    );
    this.lastShedLog = now;
    this.shedLogged = this.counts.shed;
  }
}
