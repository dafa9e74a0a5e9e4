import { resolvePool } from '../client/pool-ref.js';
import type { CommandGroup } from '../program.js';

export const membersCommands: CommandGroup = (program, kit) => {
  const members = program.command('members').description('add gateways to a pool or remove them');

  members
    .command('add')
    .description('add a registered gateway to a pool (a gateway may be in many pools)')
    .argument('<pool>', 'pool name or id')
    .argument('<gateway>', 'gateway id')
    .action(
      kit.action(async (ctx, command) => {
        const [ref, gatewayId] = command.args as [string, string];
        const pool = await resolvePool(ctx, ref);
        const reply = await ctx.command('poolMemberAdd', { poolId: pool.poolId, gatewayId });
        ctx.out.reply(reply, () => ctx.out.line(`added ${gatewayId} to pool ${pool.name}`));
      }),
    );

  members
    .command('remove')
    .description('remove a gateway from a pool (it stays registered)')
    .argument('<pool>', 'pool name or id')
    .argument('<gateway>', 'gateway id')
    .action(
      kit.action(async (ctx, command) => {
        const [ref, gatewayId] = command.args as [string, string];
        const pool = await resolvePool(ctx, ref);
        const reply = await ctx.command('poolMemberRemove', { poolId: pool.poolId, gatewayId });
        ctx.out.reply(reply, () => ctx.out.line(`removed ${gatewayId} from pool ${pool.name}`));
      }),
    );
};
