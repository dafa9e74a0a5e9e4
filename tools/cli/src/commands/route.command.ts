import { resolvePool } from '../client/pool-ref.js';
import type { CommandGroup } from '../program.js';

export const routeCommands: CommandGroup = (program, kit) => {
  const route = program.command('route').description('ask which gateway to route through now');

  route
    .command('pick')
    .description("a random healthy member of a pool; prints the gateway's id")
    .argument('<pool>', 'pool name or id')
    .action(
      kit.action(async (ctx, command) => {
        const { poolId } = await resolvePool(ctx, command.args[0] as string);
        const reply = await ctx.query<{ gatewayId: string }>('routePick', { poolId });
        ctx.out.reply(reply, (r) => ctx.out.line(r.gatewayId));
      }),
    );

  route
    .command('resolve')
    .description("the gateway a consumer should use now; prints the gateway's id")
    .argument('<consumer>', 'consumer id')
    .action(
      kit.action(async (ctx, command) => {
        const reply = await ctx.query<{ gatewayId: string }>('routeResolve', { consumerId: command.args[0] });
        ctx.out.reply(reply, (r) => ctx.out.line(r.gatewayId));
      }),
    );
};
