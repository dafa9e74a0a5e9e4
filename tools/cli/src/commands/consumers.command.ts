import type { ConsumerView } from '@gwpool/contracts/client';
import { CONSUMER_TYPES } from '@gwpool/domain';
import { Option } from 'commander';
import { resolvePool } from '../client/pool-ref.js';
import { UsageError } from '../errors.js';
import type { CommandGroup } from '../program.js';

export const consumersCommands: CommandGroup = (program, kit) => {
  const consumers = program
    .command('consumers')
    .description('point consumers (Kubernetes auth, dynamic secrets, …) at a pool or a gateway');

  consumers
    .command('attach')
    .description('attach a consumer to a pool or a single gateway, or move it there')
    .argument('<consumer>', 'consumer id, chosen by you')
    .addOption(new Option('-t, --type <type>', 'consumer type').choices(CONSUMER_TYPES).makeOptionMandatory())
    .option('-p, --pool <pool>', 'target pool, by name or id')
    .option('-g, --gateway <gateway>', 'target gateway id')
    .action(
      kit.action(async (ctx, command) => {
        const { type, pool, gateway } = command.opts<{ type: string; pool?: string; gateway?: string }>();
        if ((pool === undefined) === (gateway === undefined))
          throw new UsageError('give exactly one target: --pool POOL or --gateway GATEWAY');
        const consumerId = command.args[0] as string;
        const target = pool === undefined ? undefined : await resolvePool(ctx, pool);
        const body = {
          consumerId,
          consumerType: type,
          ...(target ? { poolId: target.poolId } : { gatewayId: gateway }),
        };
        const reply = await ctx.command('consumerAttach', body);
        const where = target ? `pool ${target.name}` : `gateway ${gateway}`;
        ctx.out.reply(reply, () => ctx.out.line(`attached ${consumerId} (${type}) to ${where}`));
      }),
    );

  consumers
    .command('detach')
    .description('detach a consumer from its pool or gateway')
    .argument('<consumer>', 'consumer id')
    .action(
      kit.action(async (ctx, command) => {
        const consumerId = command.args[0] as string;
        const reply = await ctx.command('consumerDetach', { consumerId });
        ctx.out.reply(reply, () => ctx.out.line(`detached ${consumerId}`));
      }),
    );

  consumers
    .command('list')
    .description('the consumers that use a pool')
    .argument('<pool>', 'pool name or id')
    .action(
      kit.action(async (ctx, command) => {
        const pool = await resolvePool(ctx, command.args[0] as string);
        const reply = await ctx.query<{ consumers: ConsumerView[] }>('poolConsumers', { poolId: pool.poolId });
        ctx.out.reply(reply, ({ consumers: list }) => {
          if (list.length === 0) ctx.out.note(`no consumers use pool ${pool.name}`);
          else
            ctx.out.table(
              ['CONSUMER', 'TYPE'],
              list.map((c) => [c.consumerId, c.consumerType]),
            );
        });
      }),
    );
};
