import { Logger } from '@nestjs/common';
import { clip } from './bounded-wire-error.js';

const WINDOW_MS = 10_000;

/**
 * Bad input is the caller's problem, not the service's: no stack trace and no line per request, only one summary
 * warning per window, so a flood of bad requests cannot flood the logs.
 */
export class RefusalLog {
  private count = 0;
  private latest = '';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly what: string,
    private readonly logger = new Logger('RefusedRequests'),
    private readonly windowMs = WINDOW_MS,
  ) {}

  note(message: string): void {
    this.count += 1;
    this.latest = message;
    if (this.timer) return;
    this.timer = setTimeout(() => this.report(), this.windowMs);
    this.timer.unref();
  }

  report(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.count === 0) return;
    this.logger.warn(
      `refused ${this.count} ${this.what}${this.count === 1 ? '' : 's'} in the last ${this.windowMs / 1000} s; latest: ${clip(this.latest.replace(/\s+/g, ' '), 200)}`,
    );
    this.count = 0;
  }
}
