import { CommanderError } from 'commander';
import { ApiError, CliError, UsageError } from './errors.js';
import type { Io } from './output/output.js';
import { painter, wantsColour } from './output/terminal.js';
import { buildProgram } from './program.js';

/** The exit status for an error: 1 when the API or the network said no, 2 when the command line is wrong. */
function report(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Commander has printed the message and the usage line already; help asked for is a success.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    return 2;
  }
  const paint = painter(wantsColour(io.stderr, io.env));
  if (error instanceof ApiError) {
    io.stderr.write(`${paint('red', `${error.error.code}:`)} ${error.error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.stderr.write(`gwpool: ${error.message}\n`);
    if (error instanceof UsageError && error.usage) io.stderr.write(`${error.usage}\n`);
    return error.exitCode;
  }
  // Not one of ours: a bug, so its stack is worth showing.
  io.stderr.write(
    `gwpool: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now });

/** Runs one command line (without `node` and the script) and returns the exit status. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, io);
  }
}
