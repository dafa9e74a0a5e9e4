import type { PoolDetails, PoolSummary } from '@gwpool/contracts/client';
import { findPool, type PoolRef, resolvePool } from '../client/pool-ref.js';
import { parseTime } from '../client/time-arg.js';
import { Option } from 'commander';
import type { CliContext } from '../context.js';
import { ApiError, UsageError } from '../errors.js';
import { MEMBER_HEAD, memberRow, POOL_HEAD, poolFacts, poolHeadline, poolRow } from '../output/format.js';
import type { CommandGroup } from '../program.js';

const POOL_DETAIL_CONCURRENCY = 8;

function printPool(ctx: CliContext, pool: PoolDetails): void {
  const { out } = ctx;
  out.line(poolHeadline(pool, out.paint));
  for (const fact of poolFacts(pool, out.paint)) out.line(`  ${fact}`);
  if (pool.members.length === 0) out.line('  no members');
  else
    out.table(
      MEMBER_HEAD,
      pool.members.map((m) => memberRow(m, out.now(), out.paint)),
      '  ',
    );
}

/** `pool.get` of every listed pool, a few at a time; a pool deleted meanwhile is left out. */
async function details(ctx: CliContext, pools: PoolSummary[], at?: string): Promise<PoolDetails[]> {
  const progress = ctx.out.progress('reading pools', pools.length);
  const found: (PoolDetails | undefined)[] = pools.map(() => undefined);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pools.length; i = next++) {
      try {
        const poolId = (pools[i] as PoolSummary).poolId;
        found[i] = (await ctx.query<PoolDetails>('poolGet', { poolId, ...(at ? { at } : {}) })).value;
      } catch (error) {
        if (!(error instanceof ApiError && error.error.code === 'NOT_FOUND')) throw error;
      }
      progress.advance();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(POOL_DETAIL_CONCURRENCY, pools.length) }, worker));
  } finally {
    progress.end();
  }
  return found.filter((pool): pool is PoolDetails => pool !== undefined);
}

interface RoutingOptions {
  strategy?: string;
  maxMembers?: string;
}

/** The strategy as given (the service checks it); `--max-members` as a number, or the text when it is not one. */
function routingBody({ strategy, maxMembers }: RoutingOptions): Record<string, unknown> {
  const count = maxMembers !== undefined && /^\d+$/.test(maxMembers) ? Number(maxMembers) : maxMembers;
  return { ...(strategy === undefined ? {} : { strategy }), ...(count === undefined ? {} : { maxMembers: count }) };
}

const atOption = () =>
  new Option('--at <time>', 'as of a past instant, from the log: ISO-8601, or a duration back (1h)').argParser(
    parseTime,
  );

/** A pool named as it was named at `at` (names change and are reused), else as it is named now. */
async function resolvePoolAt(ctx: CliContext, ref: string, at: string | undefined): Promise<PoolRef> {
  if (at === undefined) return resolvePool(ctx, ref);
  const { value } = await ctx.query<{ pools: PoolSummary[] }>('poolList', { at });
  const then = findPool(value.pools, ref);
  return then ? { poolId: then.poolId, name: then.name } : resolvePool(ctx, ref);
}

/** Heartbeats are not in the log: a past view shows health from the recorded transitions, and no heartbeat age. */
const pastNote = (ctx: CliContext, at: string | undefined) =>
  at !== undefined && ctx.out.note(`as of ${at}, from the event log (heartbeat ages are not recorded)`);

export const poolsCommands: CommandGroup = (program, kit) => {
  const pools = program.command('pools').description('list, inspect, create, change and delete pools');

  pools
    .command('list')
    .description("the org's pools with their health, members and consumers")
    .option('-v, --verbose', 'also each pool’s members, with zone, last check and heartbeat age')
    .addOption(atOption())
    .action(
      kit.action(async (ctx, command) => {
        const { out } = ctx;
        const { at } = command.opts<{ at?: string }>();
        const reply = await ctx.query<{ pools: PoolSummary[] }>('poolList', at ? { at } : {});
        const verbose = command.opts<{ verbose?: boolean }>().verbose === true;
        if (!out.json) pastNote(ctx, at);
        if (!verbose) {
          out.reply(reply, ({ pools: list }) => {
            if (list.length === 0) out.note(`no pools in org '${ctx.org}'`);
            else
              out.table(
                POOL_HEAD,
                list.map((p) => poolRow(p, out.paint)),
              );
          });
          return;
        }
        const full = await details(ctx, reply.value.pools, at);
        // Several replies make one document: `pool.get`'s replies, in `pool.list`'s order.
        if (out.json) return out.line(JSON.stringify({ pools: full }));
        if (full.length === 0) out.note(`no pools in org '${ctx.org}'`);
        full.forEach((pool, i) => {
          if (i > 0) out.line();
          printPool(ctx, pool);
        });
      }),
    );

  pools
    .command('get')
    .description('one pool with its members')
    .argument('<pool>', 'pool name or id')
    .addOption(atOption())
    .action(
      kit.action(async (ctx, command) => {
        const { at } = command.opts<{ at?: string }>();
        const { poolId } = await resolvePoolAt(ctx, command.args[0] as string, at);
        const reply = await ctx.query<PoolDetails>('poolGet', { poolId, ...(at ? { at } : {}) });
        if (!ctx.out.json) pastNote(ctx, at);
        ctx.out.reply(reply, (pool) => printPool(ctx, pool));
      }),
    );

  pools
    .command('create')
    .description('create a pool')
    .argument('<name>', 'pool name: lowercase letters, digits and hyphens, unique in the org')
    .option('-d, --description <text>', 'what the pool is for')
    .option('-s, --strategy <strategy>', 'random (default), round-robin or least-loaded')
    .option('-m, --max-members <count>', 'the most members the pool accepts')
    .action(
      kit.action(async (ctx, command) => {
        const { description, ...routing } = command.opts<{ description?: string } & RoutingOptions>();
        const body = {
          name: command.args[0],
          ...(description === undefined ? {} : { description }),
          ...routingBody(routing),
        };
        const reply = await ctx.command<{ poolId: string; name: string }>('poolCreate', body);
        ctx.out.reply(reply, (pool) => ctx.out.line(`created pool ${pool.name} (id ${pool.poolId})`));
      }),
    );

  pools
    .command('update')
    .description('rename a pool or change its description')
    .argument('<pool>', 'pool name or id')
    .option('-n, --name <name>', 'new name')
    .option('-d, --description <text>', 'new description ("" clears it)')
    .option('-s, --strategy <strategy>', 'random, round-robin or least-loaded')
    .option('-m, --max-members <count>', 'the most members the pool accepts (0 lifts the limit)')
    .action(
      kit.action(async (ctx, command) => {
        const { name, description, ...routing } = command.opts<
          { name?: string; description?: string } & RoutingOptions
        >();
        if (name === undefined && description === undefined && Object.keys(routingBody(routing)).length === 0)
          throw new UsageError('nothing to change: give --name, --description, --strategy or --max-members');
        const { poolId } = await resolvePool(ctx, command.args[0] as string);
        const body = {
          poolId,
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...routingBody(routing),
        };
        const reply = await ctx.command<{ name: string }>('poolUpdate', body);
        ctx.out.reply(reply, (pool) => ctx.out.line(`updated pool ${pool.name}`));
      }),
    );

  pools
    .command('delete')
    .description('delete a pool that no consumer uses (its gateways stay registered)')
    .argument('<pool>', 'pool name or id')
    .action(
      kit.action(async (ctx, command) => {
        const pool = await resolvePool(ctx, command.args[0] as string);
        const reply = await ctx.command('poolDelete', { poolId: pool.poolId });
        ctx.out.reply(reply, () => ctx.out.line(`deleted pool ${pool.name}`));
      }),
    );
};
