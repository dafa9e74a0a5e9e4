import { Logger, type OnApplicationShutdown } from '@nestjs/common';

export interface Closable {
  close(): Promise<void>;
}

/** Closes connections the composition root opened, after Nest stops taking messages. */
export class ShutdownCloser implements OnApplicationShutdown {
  constructor(private readonly resources: readonly Closable[]) {}

  async onApplicationShutdown(): Promise<void> {
    for (const resource of this.resources) {
      await resource.close().catch((error: unknown) => new Logger('Shutdown').warn(String(error)));
    }
  }
}
