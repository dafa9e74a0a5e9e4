import type { WireError } from '@gwpool/contracts/client';

/** An expected failure: printed as one line on stderr, never with a stack, and the process exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The command line is wrong: exit 2, with the command's usage line. */
export class UsageError extends CliError {
  override name = 'UsageError';
  /** Set by the action wrapper, which knows the command. */
  usage?: string;
  constructor(message: string) {
    super(message, 2);
  }
}

/** An error with an API code, from an error reply or from the CLI's own lookups: printed as `CODE: message`. */
export class ApiError extends CliError {
  override name = 'ApiError';
  constructor(readonly error: WireError) {
    super(`${error.code}: ${error.message}`, 1);
  }
}
