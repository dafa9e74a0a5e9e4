import {
  ADMIN_SUBJECTS,
  HEARTBEAT_SUBJECT_PATTERN,
  HeartbeatDto,
  parseHeartbeatSubject,
  parseRequest,
  RequestValidationError,
} from '@gwpool/contracts';
import { clip, WIRE_LIMITS } from '@gwpool/nats';
import { GatewayRegistry } from '@gwpool/log-followers';
import type { HeartbeatMetrics } from '@gwpool/observability';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { LivenessRecorder } from './liveness-recorder.js';

const LOG_EVERY_MS = 10_000;

/** Heartbeats accepted and dropped, in Prometheus; null when metrics are off. */
export const HEARTBEAT_METRICS = Symbol('HEARTBEAT_METRICS');

type DropReason = 'unregistered' | 'invalid';

@Controller()
export class HeartbeatController {
  private readonly logger = new Logger(HeartbeatController.name);
  private readonly counts = { accepted: 0, unregistered: 0, invalid: 0 };
  private lastDropLog = 0;

  constructor(
    @Inject(GatewayRegistry) private readonly gateways: GatewayRegistry,
    @Inject(LivenessRecorder) private readonly recorder: LivenessRecorder,
    @Inject(HEARTBEAT_METRICS) private readonly metrics: HeartbeatMetrics | null,
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
      // Only the validation message goes back; anything else is a bug, logged here and never shown.
      if (!(error instanceof RequestValidationError)) this.logger.error(`could not read a heartbeat: ${String(error)}`);
      const why = error instanceof RequestValidationError ? error.message : 'the heartbeat could not be read';
      return this.drop('invalid', `heartbeat of '${target.gatewayId}' in org '${target.org}': ${why}`);
    }
    if (!this.gateways.has(target.org, target.gatewayId)) {
      return this.drop('unregistered', `gateway '${target.gatewayId}' is not registered in org '${target.org}'`);
    }
    const kept = this.recorder.record({
      ...target,
      at: receivedAt,
      check: dto.check,
      ...(dto.detail ? { detail: dto.detail } : {}),
    });
    if (!kept) return this.drop('invalid', `heartbeat of '${target.gatewayId}' in org '${target.org}' is not valid`);
    this.counts.accepted += 1;
    this.metrics?.accepted();
    return { accepted: true };
  }

  @MessagePattern(ADMIN_SUBJECTS.ingestStats)
  stats() {
    return { ...this.counts, backlog: this.recorder.backlog, persistFailures: this.recorder.persistFailures };
  }

  /** Never throws: an error escaping an event handler has no caller to go to. */
  private drop(reason: DropReason, text: string) {
    const message = clip(text, WIRE_LIMITS.messageChars);
    this.counts[reason] += 1;
    this.metrics?.dropped(reason);
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
