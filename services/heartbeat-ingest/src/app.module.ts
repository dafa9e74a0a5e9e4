import type { Settings } from '@gwpool/config';
import { GatewayRegistry } from '@gwpool/log-followers';
import { type Closable, SETTINGS, ShutdownCloser } from '@gwpool/nats';
import { type DynamicModule, Module } from '@nestjs/common';
import { HeartbeatController } from './heartbeat.controller.js';
import { LivenessRecorder } from './liveness-recorder.js';

@Module({})
export class HeartbeatIngestModule {
  static register(deps: {
    settings: Settings;
    gateways: GatewayRegistry;
    recorder: LivenessRecorder;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: HeartbeatIngestModule,
      controllers: [HeartbeatController],
      providers: [
        { provide: SETTINGS, useValue: deps.settings },
        { provide: GatewayRegistry, useValue: deps.gateways },
        { provide: LivenessRecorder, useValue: deps.recorder },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
      ],
    };
  }
}
