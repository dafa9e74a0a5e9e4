import { isToken, parseDuration } from '@gwpool/domain';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COMMAND_GROUPS } from './commands/index.js';
import { CliContext, type GlobalOptions } from './context.js';
import { UsageError } from './errors.js';
import { type Io, Output } from './output/output.js';

/** The name a command is typed by, from the root: `gwpool pools get`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What follows a usage error: the command's usage line and where to read more. */
export const usageHint = (command: Command): string =>
  `usage: ${commandPath(command)} ${command.usage()}\n(see '${commandPath(command)} --help')`;

const DEFAULT_SERVER = 'nats://127.0.0.1:4222';

// An empty value (`GWPOOL_ORG=`) counts as unset, as it does for the services' settings.
function parseOrg(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  if (!isToken(value)) throw new InvalidArgumentError('must be 1 to 64 letters, digits, underscores or hyphens.');
  return value;
}

const parseServer = (value: string): string => value.trim() || DEFAULT_SERVER;

function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration such as 500ms, 5s or 1m.');
  return ms;
}

/** How a command's work is written: it gets the context and its command; errors it throws are reported by main. */
export type Handler = (ctx: CliContext, command: Command) => Promise<void>;

/** What a command group gets to register itself with. */
export interface CommandKit {
  /** Wraps a handler as a commander action: builds the context, closes the connection, tags usage errors. */
  action(handler: Handler): (...args: unknown[]) => Promise<void>;
}

/** A group of commands (`pools`, `members`, …) in a file of its own, listed in `commands/index.ts`. */
export type CommandGroup = (program: Command, kit: CommandKit) => void;

export function buildProgram(io: Io, groups: readonly CommandGroup[] = COMMAND_GROUPS): Command {
  const program = new Command('gwpool')
    .description('Operate gateway pools over the public NATS API.')
    .addOption(
      new Option('-s, --server <url>', 'NATS server URL(s), comma-separated')
        .env('NATS_URL')
        .default(DEFAULT_SERVER)
        .argParser(parseServer),
    )
    .addOption(new Option('-o, --org <org>', 'the org to act in').env('GWPOOL_ORG').argParser(parseOrg))
    .addOption(new Option('--creds <file>', 'a NATS .creds file to connect with').env('NATS_CREDS'))
    .addOption(
      new Option('--actor <who>', "who is acting, recorded on every event (operators' credentials only)").env(
        'GWPOOL_ACTOR',
      ),
    )
    .addOption(new Option('--json', "print the API's reply unchanged, for scripts"))
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for a reply').default(5000, '5s').argParser(parseTimeout),
    )
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'gwpool: ')),
    })
    .exitOverride()
    .addHelpText(
      'after',
      '\nEnvironment: NATS_URL, NATS_CREDS, GWPOOL_ORG, GWPOOL_ACTOR stand for --server, --creds, --org and --actor; NO_COLOR turns colour off.',
    );

  const kit: CommandKit = {
    action:
      (handler) =>
      async (...args: unknown[]) => {
        const command = args.at(-1) as Command;
        const options = command.optsWithGlobals<GlobalOptions>();
        const ctx = new CliContext(options, new Output(io, options.json === true));
        try {
          await handler(ctx, command);
        } catch (error) {
          if (error instanceof UsageError) error.usage ??= usageHint(command);
          throw error;
        } finally {
          await ctx.close();
        }
      },
  };
  for (const register of groups) register(program, kit);

  // Every command prints its usage line after a parse error; set here so that no group can forget it.
  const walk = (command: Command): void => {
    command.showHelpAfterError(usageHint(command));
    command.commands.forEach(walk);
  };
  walk(program);
  return program;
}
