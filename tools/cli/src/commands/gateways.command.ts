import type { GatewayView, PoolSummary } from '@gwpool/contracts/client';
import type { CliContext } from '../context.js';
import { ApiError } from '../errors.js';
import { gatewayHead, gatewayRow, plural } from '../output/format.js';
import type { CommandGroup } from '../program.js';

/** Pool names by id; gateways work without the pools entitlement, so a FORBIDDEN leaves the ids as they are. */
async function poolNames(ctx: CliContext): Promise<Map<string, string>> {
  try {
    const { value } = await ctx.query<{ pools: PoolSummary[] }>('poolList');
    return new Map(value.pools.map((p) => [p.poolId, p.name]));
  } catch (error) {
    if (error instanceof ApiError && error.error.code === 'FORBIDDEN') return new Map();
    throw error;
  }
}

export const gatewaysCommands: CommandGroup = (program, kit) => {
  const gateways = program.command('gateways').description('register, list, drain and deregister gateways');

  gateways
    .command('register')
    .description('register a gateway, or change its name and zone (omitted ones are cleared)')
    .argument('<gateway>', 'gateway id: letters, digits, underscores or hyphens')
    .option('-n, --name <name>', 'display name')
    .option('-z, --zone <zone>', 'zone, for example eu-central-1a')
    .option('-t, --tag <tag...>', 'capability tags, for example pci')
    .action(
      kit.action(async (ctx, command) => {
        const { name, zone, tag } = command.opts<{ name?: string; zone?: string; tag?: string[] }>();
        const body = {
          gatewayId: command.args[0],
          ...(name === undefined ? {} : { name }),
          ...(zone === undefined ? {} : { zone }),
          ...(tag === undefined ? {} : { tags: tag }),
        };
        const reply = await ctx.command<{ gatewayId: string }>('gatewayRegister', body);
        ctx.out.reply(reply, (r) => ctx.out.line(`registered gateway ${r.gatewayId}`));
      }),
    );

  gateways
    .command('drain')
    .description('stop new picks of a gateway while its pools have others (maintenance); --off ends it')
    .argument('<gateway>', 'gateway id')
    .option('--off', 'end the drain')
    .action(
      kit.action(async (ctx, command) => {
        const draining = command.opts<{ off?: boolean }>().off !== true;
        const reply = await ctx.command<{ gatewayId: string }>('gatewayDrain', {
          gatewayId: command.args[0],
          draining,
        });
        ctx.out.reply(reply, (r) =>
          ctx.out.line(`${draining ? 'draining' : 'no longer draining'} gateway ${r.gatewayId}`),
        );
      }),
    );

  gateways
    .command('list')
    .description("the org's gateways with their health and pools")
    .option('-v, --verbose', 'also last check, heartbeat age and pool names')
    .action(
      kit.action(async (ctx, command) => {
        const { out } = ctx;
        const reply = await ctx.query<{ gateways: GatewayView[] }>('gatewayList');
        if (out.json) return out.line(reply.text);
        const list = reply.value.gateways;
        if (list.length === 0) return out.note(`no gateways in org '${ctx.org}'`);
        const verbose = command.opts<{ verbose?: boolean }>().verbose === true;
        const names = verbose ? await poolNames(ctx) : undefined;
        out.table(
          gatewayHead(verbose),
          list.map((g) => gatewayRow(g, out.now(), out.paint, names)),
        );
      }),
    );

  gateways
    .command('deregister')
    .description('remove a gateway from the org and from every pool it is in')
    .argument('<gateway>', 'gateway id')
    .action(
      kit.action(async (ctx, command) => {
        const reply = await ctx.command<{ gatewayId: string; leftPools: string[] }>('gatewayDeregister', {
          gatewayId: command.args[0],
        });
        ctx.out.reply(reply, (r) =>
          ctx.out.line(`deregistered gateway ${r.gatewayId} (it left ${plural(r.leftPools.length, 'pool')})`),
        );
      }),
    );
};
