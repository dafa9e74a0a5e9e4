import {
  type Behind,
  isAppendedNotice,
  MAX_POSITION_CHARS,
  MIN_POSITION_HEADER,
  RequestValidationError,
  ViewBehindError,
} from '@gwpool/contracts';
import type { PositionGate } from '@gwpool/log-followers';
import { Match, type MsgHdrs } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';

const FIELD = 'minPosition';
const LOG_EVERY_MS = 10_000;

/**
 * Holds a query until the catalog it is answered from includes what the caller must see: the position of the caller's
 * own last command, announced by pool-command just before its reply (read-your-writes with no token), and the
 * `minPosition` the query names. Waits at most `waitMs`, then refuses with UNAVAILABLE: a view known to be behind
 * never answers as if it were current.
 *
 * The hot path (no minPosition, nothing announced for the org) is one map lookup: `before` returns undefined and the
 * query runs at once, without a promise or a position parsed.
 */
export class ReadFence {
  private readonly logger = new Logger(ReadFence.name);
  private ignoredNotices = 0;
  private lastIgnoredLog = 0;

  constructor(
    private readonly gate: PositionGate,
    private readonly waitMs: number,
    /** How far the view is behind the log as last measured (the follower's lag monitor), for the refusal's message. */
    private readonly behind: () => Behind | undefined = () => undefined,
  ) {}

  /** One message of `gwpool.internal.appended`; anything but `{org, position}` of this log is counted and ignored. */
  noticed(data: Uint8Array): void {
    let notice: unknown;
    try {
      notice = JSON.parse(new TextDecoder().decode(data));
    } catch {
      notice = undefined;
    }
    if (isAppendedNotice(notice) && this.gate.isPosition(notice.position)) {
      this.gate.announce(notice.org, notice.position);
      return;
    }
    this.ignoredNotices += 1;
    const now = Date.now();
    if (now - this.lastIgnoredLog >= LOG_EVERY_MS) {
      this.lastIgnoredLog = now;
      this.logger.warn(`ignored ${this.ignoredNotices} malformed append notices so far`);
    }
  }

  /**
   * The position the query needs, from its body and its `Gwpool-Min-Position` header, checked with the event log's
   * own parser; undefined when it names none. Both given and different, or one that is not a position of this log,
   * is VALIDATION_FAILED.
   */
  minPosition(headers: MsgHdrs | undefined, fromBody: string | undefined): string | undefined {
    const fromHeader = headers ? this.header(headers) : undefined;
    if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
      throw refusal(`the body's ${FIELD} and the ${MIN_POSITION_HEADER} header differ; send one, or the same in both`);
    }
    const position = fromBody ?? fromHeader;
    // Before any parser sees it: a position is far shorter, and a huge number is slow to read.
    if (position !== undefined && position.length > MAX_POSITION_CHARS) {
      throw refusal(`${FIELD} must be at most ${MAX_POSITION_CHARS} characters`);
    }
    if (position !== undefined && !this.gate.isPosition(position)) {
      throw refusal(`${FIELD} '${position}' is not a position of this event log; use one a command's reply gave`);
    }
    return position;
  }

  /**
   * Undefined when the view may answer now. Otherwise a promise that resolves once the view has applied what the
   * query needs, or rejects with ViewBehindError when it has not within the bound.
   */
  before(org: string, minPosition: string | undefined): Promise<void> | undefined {
    const announced = this.gate.pendingFor(org);
    if (announced === undefined && minPosition === undefined) return undefined;
    if (announced !== undefined && this.gate.hasApplied(announced)) this.gate.settle(org, announced);
    const wanted =
      announced === undefined
        ? minPosition
        : minPosition === undefined
          ? announced
          : this.gate.later(announced, minPosition);
    if (wanted === undefined || this.gate.hasApplied(wanted)) return undefined;
    const started = Date.now();
    return this.gate.waitFor(wanted, this.waitMs).then((reached) => {
      if (reached) return;
      const behind = this.behind();
      // The view has every event of the log (as last measured), yet not the announced position: the log never had
      // it (published by something else than pool-command). Dropped, or it would hold every query of the org for good.
      if (announced !== undefined && behind?.events === 0) this.gate.settle(org, announced);
      throw new ViewBehindError(this.gate.applied, wanted, Date.now() - started, behind);
    });
  }

  private header(headers: MsgHdrs): string | undefined {
    const values = headers.values(MIN_POSITION_HEADER, Match.IgnoreCase);
    if (values.length === 0) return undefined;
    const [first] = values;
    if (values.some((value) => value !== first)) {
      throw refusal(`the ${MIN_POSITION_HEADER} header is given ${values.length} times with different values`);
    }
    if (!first) throw refusal(`the ${MIN_POSITION_HEADER} header is empty`);
    return first;
  }
}

const refusal = (reason: string) => new RequestValidationError(`invalid request: ${reason}`, { [FIELD]: reason });
