import type { Settings } from '@gwpool/config';
import { GatewayRegistry } from '@gwpool/log-followers';
import { type Closable, SETTINGS, ShutdownCloser } from '@gwpool/nats';
import type { HeartbeatMetrics } from '@gwpool/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { HEARTBEAT_METRICS, HeartbeatController } from './heartbeat.controller.js';
import { LivenessRecorder } from './liveness-recorder.js';

@Module({})
export class HeartbeatIngestModule {
  static register(deps: {
    settings: Settings;
    gateways: GatewayRegistry;
    recorder: LivenessRecorder;
    metrics?: HeartbeatMetrics;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: HeartbeatIngestModule,
      controllers: [HeartbeatController],
      providers: [
        { provide: SETTINGS, useValue: deps.settings },
        { provide: GatewayRegistry, useValue: deps.gateways },
        { provide: LivenessRecorder, useValue: deps.recorder },
        { provide: HEARTBEAT_METRICS, useValue: deps.metrics ?? null },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
      ],
    };
  }
}
