import { ADMIN_SUBJECTS } from '@gwpool/contracts';
import { assertOperatorCaller, TransportTenancy } from '@gwpool/nats';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext } from '@nestjs/microservices';
import { HeartbeatIntake } from './heartbeat-intake.js';
import { LivenessRecorder } from './liveness-recorder.js';
import { LivenessWriter } from './liveness-writer.js';

/**
 * The operators' view of this instance. Heartbeats themselves are not Nest handlers: at their rate Nest's
 * per-message pipeline costs more than the work (see HeartbeatIntake and main.ts).
 */
@Controller()
export class HeartbeatController {
  constructor(
    @Inject(HeartbeatIntake) private readonly intake: HeartbeatIntake,
    @Inject(LivenessRecorder) private readonly recorder: LivenessRecorder,
    @Inject(LivenessWriter) private readonly writer: LivenessWriter,
    @Inject(TransportTenancy) private readonly tenancy: TransportTenancy,
  ) {}

  /** Every instance answers (no queue group), each with its own counts and pid, so a caller can add them up. */
  @MessagePattern(ADMIN_SUBJECTS.ingestStats, { queue: '' })
  stats(@Ctx() ctx: NatsContext) {
    assertOperatorCaller(ctx, this.tenancy);
    const { received, accepted, unregistered, invalid, forbidden, shed } = this.intake.counts;
    return {
      pid: process.pid,
      received,
      accepted,
      unregistered,
      invalid,
      forbidden,
      shed,
      queued: this.intake.queued,
      kept: this.intake.kept,
      backlog: this.recorder.backlog,
      unstored: this.writer.unstored,
      storeRetries: this.writer.storeRetries,
      persistFailures: this.writer.persistFailures,
    };
  }
}
