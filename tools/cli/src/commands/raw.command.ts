import { InvalidArgumentError } from 'commander';
import { healthSubject } from '@gwpool/contracts/client';
import { ApiError } from '../errors.js';
import { watchLine } from '../output/format.js';
import type { CommandGroup } from '../program.js';

/** The escape hatches: any request, any subscription, for what the other commands do not cover. */
export const rawCommands: CommandGroup = (program, kit) => {
  program
    .command('request')
    .description('send a request to any subject and print the reply')
    .argument('<subject>', 'for example gwpool.v1.acme.query.pool.list')
    .argument('[json]', 'request body', '{}')
    .action(
      kit.action(async (ctx, command) => {
        const [subject, body] = command.processedArgs as [string, string];
        const reply = await (await ctx.connect()).send<unknown>(subject, body);
        if (ctx.out.json) ctx.out.line(reply.text);
        else ctx.out.line(reply.value === undefined ? reply.text : JSON.stringify(reply.value, null, 2));
        if (reply.error) throw new ApiError(reply.error);
      }),
    );

  program
    .command('watch')
    .description('print messages on a subject as they come; pool health of the org (or of all orgs) by default')
    .argument('[subject]', 'subject, wildcards allowed')
    .option('-c, --count <n>', 'stop after n messages', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number.');
      return n;
    })
    .action(
      kit.action(async (ctx, command) => {
        const { out, options } = ctx;
        const subject = command.args[0] ?? healthSubject(options.org ?? '*', '*');
        const { count } = command.opts<{ count?: number }>();
        const sub = await (await ctx.connect(true)).subscribe(subject, count);
        out.note(`watching ${subject} (Ctrl-C to stop)`);
        const stop = () => sub.unsubscribe();
        process.once('SIGINT', stop).once('SIGTERM', stop);
        try {
          for await (const msg of sub) {
            const text = msg.string();
            if (!out.json) out.line(watchLine(msg.subject, text, out.now(), out.paint));
            else out.line(isJson(text) ? text : JSON.stringify(text));
          }
        } finally {
          process.off('SIGINT', stop).off('SIGTERM', stop);
        }
      }),
    );
};

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
