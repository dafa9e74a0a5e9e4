import { type Closable, ShutdownCloser, TransportTenancy } from '@gwpool/nats';
import { type DynamicModule, Module } from '@nestjs/common';
import { HeartbeatController } from './heartbeat.controller.js';
import { HeartbeatIntake } from './heartbeat-intake.js';
import { LivenessRecorder } from './liveness-recorder.js';
import { LivenessWriter } from './liveness-writer.js';

@Module({})
export class HeartbeatIngestModule {
  static register(deps: {
    intake: HeartbeatIntake;
    recorder: LivenessRecorder;
    writer: LivenessWriter;
    tenancy: TransportTenancy;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: HeartbeatIngestModule,
      controllers: [HeartbeatController],
      providers: [
        { provide: HeartbeatIntake, useValue: deps.intake },
        { provide: LivenessRecorder, useValue: deps.recorder },
        { provide: LivenessWriter, useValue: deps.writer },
        { provide: TransportTenancy, useValue: deps.tenancy },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
      ],
    };
  }
}
