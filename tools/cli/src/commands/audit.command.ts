import type { AuditEntry, AuditEventsReply, PoolSummary } from '@gwpool/contracts/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
import { resolvePool } from '../client/pool-ref.js';
import { parseTime } from '../client/time-arg.js';
import { AUDIT_HEAD, auditRow, tailLine } from '../output/audit-format.js';
import type { CommandGroup } from '../program.js';

const MAX_PAGE = 1000;
const TAIL_POLL_MS = 500;

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

interface FilterOptions {
  pool?: string;
  gateway?: string;
  consumer?: string;
  since?: string;
  until?: string;
}

const withFilters = (command: Command): Command =>
  command
    .option('-p, --pool <pool>', "a pool's events and its members' health, by name or id")
    .option('-g, --gateway <gateway>', "a gateway's events")
    .option('-c, --consumer <consumer>', "a consumer's events")
    .addOption(new Option('--since <time>', 'from this time: ISO-8601, or a duration back (1h)').argParser(parseTime))
    .addOption(new Option('--until <time>', 'up to this time: ISO-8601, or a duration back').argParser(parseTime));

/** The request's filter; a pool named by name is looked up once. */
async function filterBody(ctx: CliContext, options: FilterOptions): Promise<Record<string, string>> {
  const { pool, gateway, consumer, since, until } = options;
  return {
    ...(pool !== undefined ? { poolId: (await resolvePool(ctx, pool)).poolId } : {}),
    ...(gateway !== undefined ? { gatewayId: gateway } : {}),
    ...(consumer !== undefined ? { consumerId: consumer } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

/** Pool names by id for the table; an org without the pools entitlement shows ids. */
async function poolNames(ctx: CliContext): Promise<Map<string, string>> {
  const reply = await ctx.query<{ pools: PoolSummary[] }>('poolList').catch(() => undefined);
  return new Map((reply?.value.pools ?? []).map((p) => [p.poolId, p.name]));
}

export const auditCommands: CommandGroup = (program, kit) => {
  withFilters(
    program
      .command('audit')
      .description('what happened, from the event log: catalog changes and health transitions, oldest first'),
  )
    .option('-n, --limit <n>', 'at most n events (the API pages by 1000)', parseCount, 100)
    .option('--after <position>', 'start after this log position (a previous --json reply’s next)')
    .action(
      kit.action(async (ctx, command) => {
        const { out } = ctx;
        const options = command.opts<FilterOptions & { limit: number; after?: string }>();
        const body = await filterBody(ctx, options);
        if (out.json) {
          const reply = await ctx.audit({ ...body, limit: Math.min(options.limit, MAX_PAGE), after: options.after });
          return out.line(reply.text);
        }
        const events: AuditEntry[] = [];
        let after = options.after;
        let more: boolean;
        do {
          const limit = Math.min(options.limit - events.length, MAX_PAGE);
          const { value } = await ctx.audit({ ...body, limit, after });
          events.push(...value.events);
          more = value.next !== undefined;
          after = value.next ?? after;
        } while (more && events.length < options.limit);
        if (events.length === 0) return out.note(`no events in org '${ctx.org}' match`);
        const names = await poolNames(ctx);
        out.table(
          AUDIT_HEAD,
          events.map((e) => auditRow(e, out.paint, names)),
        );
        if (more && after !== undefined) out.note(`more events: add --after ${after}`);
      }),
    );

  const events = program.command('events').description('the event log');
  withFilters(events.command('tail').description('follow the log live, one line per event (Ctrl-C to stop)'))
    .option('--from-start', 'print the whole history first')
    .option('--count <n>', 'stop after n events', parseCount)
    .action(
      kit.action(async (ctx, command) => {
        const { out } = ctx;
        const options = command.opts<FilterOptions & { fromStart?: boolean; count?: number }>();
        const body = await filterBody(ctx, options);
        const names = await poolNames(ctx);
        let stopped = false;
        const stop = () => (stopped = true);
        process.once('SIGINT', stop).once('SIGTERM', stop);
        let printing = options.fromStart === true || options.since !== undefined;
        let after: string | undefined;
        let printed = 0;
        let caughtUp = false;
        try {
          while (!stopped) {
            const { value } = await ctx.audit<AuditEventsReply>({ ...body, limit: MAX_PAGE, after });
            if (printing) {
              for (const entry of value.events) {
                out.line(out.json ? JSON.stringify(entry) : tailLine(entry, out.paint, names));
                printed += 1;
                if (options.count !== undefined && printed >= options.count) return;
              }
            }
            after = value.next ?? after;
            if (value.next === undefined) {
              // Caught up: from now on every event is new.
              if (!caughtUp) out.note(`following the event log of org '${ctx.org}' (Ctrl-C to stop)`);
              caughtUp = true;
              printing = true;
              await new Promise((resolve) => setTimeout(resolve, TAIL_POLL_MS));
            }
          }
        } finally {
          process.off('SIGINT', stop).off('SIGTERM', stop);
        }
      }),
    );
};
