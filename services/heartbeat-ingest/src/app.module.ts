import type { Settings } from '@gwpool/config';
import { LiveCatalog } from '@gwpool/live-catalog';
import { type Closable, SETTINGS, ShutdownCloser } from '@gwpool/nats';
import { type DynamicModule, Module } from '@nestjs/common';
import { HeartbeatController } from './heartbeat.controller.js';
import { LivenessRecorder } from './liveness-recorder.js';

@Module({})
export class HeartbeatIngestModule {
  static register(deps: {
    settings: Settings;
    catalog: LiveCatalog;
    recorder: LivenessRecorder;
    closables: Closable[];
  }): DynamicModule {
    return {
      module: HeartbeatIngestModule,
      controllers: [HeartbeatController],
      providers: [
        { provide: SETTINGS, useValue: deps.settings },
        { provide: LiveCatalog, useValue: deps.catalog },
        { provide: LivenessRecorder, useValue: deps.recorder },
        { provide: ShutdownCloser, useValue: new ShutdownCloser(deps.closables) },
      ],
    };
  }
}
