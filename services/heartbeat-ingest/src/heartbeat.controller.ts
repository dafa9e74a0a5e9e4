import {
  ADMIN_SUBJECTS,
  HEARTBEAT_SUBJECT_PATTERN,
  HeartbeatDto,
  parseHeartbeatSubject,
  parseRequest,
} from '@gwpool/contracts';
import { LiveCatalog } from '@gwpool/live-catalog';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { LivenessRecorder } from './liveness-recorder.js';

const LOG_EVERY_MS = 10_000;

type DropReason = 'unregistered' | 'invalid';

@Controller()
export class HeartbeatController {
  private readonly logger = new Logger(HeartbeatController.name);
  private readonly counts = { accepted: 0, unregistered: 0, invalid: 0 };
  private lastDropLog = 0;

  constructor(
    @Inject(LiveCatalog) private readonly catalog: LiveCatalog,
    @Inject(LivenessRecorder) private readonly recorder: LivenessRecorder,
  ) {}

  /**
   * Heartbeats are fire-and-forget; a gateway that sends them as requests gets `{accepted, reason?, message?}`.
   * Dropped heartbeats change nothing and are counted, with a rate-limited log line.
   */
  @EventPattern(HEARTBEAT_SUBJECT_PATTERN)
  heartbeat(@Payload() body: unknown, @Ctx() ctx: unknown) {
    const receivedAt = Date.now();
    // EventPattern types its extra arguments as unknown.
    const subject = (ctx as NatsContext).getSubject();
    const target = parseHeartbeatSubject(subject);
    if (!target) return this.drop('invalid', `subject '${subject}' does not name a valid org and gateway`);
    let dto: HeartbeatDto;
    try {
      dto = parseRequest(HeartbeatDto, body);
    } catch (error) {
      return this.drop(
        'invalid',
        `heartbeat of '${target.gatewayId}' in org '${target.org}': ${(error as Error).message}`,
      );
    }
    if (!this.catalog.get(target.org)?.gateways.has(target.gatewayId)) {
      return this.drop('unregistered', `gateway '${target.gatewayId}' is not registered in org '${target.org}'`);
    }
    this.counts.accepted += 1;
    this.recorder.record({
      ...target,
      at: receivedAt,
      check: dto.check,
      ...(dto.detail ? { detail: dto.detail } : {}),
    });
    return { accepted: true };
  }

  @MessagePattern(ADMIN_SUBJECTS.ingestStats)
  stats() {
    return { ...this.counts, backlog: this.recorder.backlog, persistFailures: this.recorder.persistFailures };
  }

  /** Never throws: an error escaping an event handler has no caller to go to. */
  private drop(reason: DropReason, message: string) {
    this.counts[reason] += 1;
    const now = Date.now();
    if (now - this.lastDropLog >= LOG_EVERY_MS) {
      this.lastDropLog = now;
      this.logger.warn(
        `dropped heartbeat (${reason}): ${message} [dropped so far: ${this.counts.unregistered} unregistered, ${this.counts.invalid} invalid]`,
      );
    }
    return { accepted: false, reason, message };
  }
}
