import { formatCount, formatDuration } from './format.js';

export interface ProgressState {
  label: string;
  done: number;
  total?: number;
  elapsedMs: number;
}

/** `label 1,234/10,000  2,468/s  ETA 4s`; rate and ETA once there is something to measure. */
export function progressLine({ label, done, total, elapsedMs }: ProgressState): string {
  const parts = [`${label} ${formatCount(done)}${total === undefined ? '' : `/${formatCount(total)}`}`];
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  if (rate > 0 && elapsedMs >= 1000) {
    parts.push(`${formatCount(rate)}/s`);
    if (total !== undefined && total > done) parts.push(`ETA ${formatDuration(((total - done) / rate) * 1000)}`);
  }
  return parts.join('  ');
}

interface TerminalStream {
  write(text: string): unknown;
}

/**
 * One line of progress, redrawn in place at most every 100 ms, on a terminal only: elsewhere it writes nothing, so
 * scripts and logs stay clean. Meant for long work (rebuilds, many requests).
 */
export class Progress {
  private done = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private readonly started: number;

  constructor(
    private readonly stream: TerminalStream | undefined,
    private readonly label: string,
    private total?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  advance(by = 1): void {
    this.update(this.done + by);
  }

  /** `total` replaces the one given at the start, for work whose size grows while it runs (a log being appended to). */
  update(done: number, total: number | undefined = this.total): void {
    this.done = done;
    this.total = total;
    const now = this.now();
    if (!this.stream || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const line = progressLine({ label: this.label, done, total: this.total, elapsedMs: now - this.started });
    this.stream.write(`\r\x1b[2K${line}`);
  }

  /** Clears the line, leaving the terminal as it was. */
  end(): void {
    if (this.stream && this.lastDraw > Number.NEGATIVE_INFINITY) this.stream.write('\r\x1b[2K');
  }
}
