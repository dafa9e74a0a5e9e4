import type { Reply } from '../client/gwpool-client.js';
import { type Paint } from './format.js';
import { Progress } from './progress.js';
import { renderTable } from './table.js';
import { painter, wantsColour } from './terminal.js';

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What the CLI touches of its process: streams, environment and clock. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  now(): number;
}

/** Everything the commands print goes through here: results on stdout, notes and errors on stderr. */
export class Output {
  readonly paint: Paint;
  readonly errPaint: Paint;
  private readonly warned = new Set<string>();

  constructor(
    private readonly io: Io,
    readonly json: boolean,
  ) {
    this.paint = painter(wantsColour(io.stdout, io.env));
    this.errPaint = painter(wantsColour(io.stderr, io.env));
  }

  now(): number {
    return this.io.now();
  }

  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  lines(lines: readonly string[]): void {
    if (lines.length > 0) this.io.stdout.write(`${lines.join('\n')}\n`);
  }

  table(head: string[], rows: string[][], indent = ''): void {
    this.lines(renderTable(head, rows, this.paint, indent));
  }

  /** A remark for people (an empty list, what is being watched), on stderr so that stdout stays data. */
  note(text: string): void {
    this.io.stderr.write(`${this.errPaint('dim', text)}\n`);
  }

  /** A warning about the answer itself (a degraded org), once per run however many replies carry it. */
  warn(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.io.stderr.write(`${this.errPaint('yellow', 'warning:')} ${text}\n`);
  }

  /** A reply: its text unchanged with --json, otherwise as `human` renders it. */
  reply<T>(reply: Reply<T>, human: (value: T) => void): void {
    if (this.json) this.line(reply.text);
    else human(reply.value);
  }

  /** Progress on stderr when it is a terminal; silent otherwise. */
  progress(label: string, total?: number): Progress {
    const terminal = this.io.stderr.isTTY === true && this.io.env['TERM'] !== 'dumb' ? this.io.stderr : undefined;
    return new Progress(terminal, label, total, () => this.io.now());
  }
}
