import type { Command } from 'commander';
import { resolvePool } from '../client/pool-ref.js';
import type { CommandGroup } from '../program.js';

interface PickOptions {
  exclude?: string[];
  key?: string;
  preferZone?: string;
  requireTag?: string[];
}

/** The pick options both subjects take (docs/api.md, route.pick). */
const withPickOptions = (command: Command): Command =>
  command
    .option('-x, --exclude <gateway...>', 'never return these gateways (a retry after a failed attempt)')
    .option('-k, --key <key>', 'pin the pick: the same key gets the same gateway while it stays usable')
    .option('-z, --prefer-zone <zone>', 'prefer members of this zone')
    .option('-t, --require-tag <tag...>', 'only members carrying every one of these tags');

function pickBody(command: Command): Record<string, unknown> {
  const { exclude, key, preferZone, requireTag } = command.opts<PickOptions>();
  return {
    ...(exclude === undefined ? {} : { exclude }),
    ...(key === undefined ? {} : { key }),
    ...(preferZone === undefined ? {} : { preferZone }),
    ...(requireTag === undefined ? {} : { requireTags: requireTag }),
  };
}

export const routeCommands: CommandGroup = (program, kit) => {
  const route = program.command('route').description('ask which gateway to route through now');

  withPickOptions(
    route
      .command('pick')
      .description("a healthy member of a pool, chosen by the pool's strategy; prints the gateway's id")
      .argument('<pool>', 'pool name or id'),
  ).action(
    kit.action(async (ctx, command) => {
      const { poolId } = await resolvePool(ctx, command.args[0] as string);
      const reply = await ctx.query<{ gatewayId: string }>('routePick', { poolId, ...pickBody(command) });
      ctx.out.reply(reply, (r) => ctx.out.line(r.gatewayId));
    }),
  );

  withPickOptions(
    route
      .command('resolve')
      .description("the gateway a consumer should use now; prints the gateway's id")
      .argument('<consumer>', 'consumer id'),
  ).action(
    kit.action(async (ctx, command) => {
      const body = { consumerId: command.args[0], ...pickBody(command) };
      const reply = await ctx.query<{ gatewayId: string }>('routeResolve', body);
      ctx.out.reply(reply, (r) => ctx.out.line(r.gatewayId));
    }),
  );
};
