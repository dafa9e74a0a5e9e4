import { ADMIN_SUBJECTS, type RebuildProgress, type RebuildStarted } from '@gwpool/contracts/client';
import type { Subscription } from '@nats-io/transport-node';
import { ApiError, CliError } from '../errors.js';
import { isRebuildProgress, rebuildSummary } from '../output/rebuild-format.js';
import type { CommandGroup } from '../program.js';

/** The projector reports twice a second; this long without a word, it has stopped (killed, or cut off). */
const STALL_MS = 30_000;

/** The rebuild's messages until its last one (done or failed); each one before it goes to `onProgress`. */
async function untilEnd(
  sub: Subscription,
  rebuildId: string,
  onProgress: (progress: RebuildProgress) => void,
): Promise<RebuildProgress> {
  const messages = sub[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), STALL_MS)));
    const next = await Promise.race([messages.next(), stalled]);
    clearTimeout(timer);
    if (next === 'stalled')
      throw new CliError(
        `no word from the rebuild for ${STALL_MS / 1000}s: the projector running it may have stopped ` +
          "(see 'gwpool request gwpool.v1.admin.projector.status'); readers stay on the views they use until a swap",
      );
    if (next.done) throw new CliError('the connection closed before the rebuild ended');
    let progress: unknown;
    try {
      progress = next.value.json();
    } catch {
      continue;
    }
    if (!isRebuildProgress(progress) || progress.rebuildId !== rebuildId) continue;
    if (progress.state === 'done' || progress.state === 'failed') return progress;
    onProgress(progress);
  }
}

export const projectionsCommands: CommandGroup = (program, kit) => {
  const projections = program
    .command('projections')
    .description("the views folded from the event log (operators' credentials only)");
  projections
    .command('rebuild')
    .description(
      'replay the whole event log into fresh views, then swap every reader over to them; routing never stops',
    )
    .addHelpText(
      'after',
      '\nThe previous views are left in place, never dropped. Progress (events, events/s, ETA) shows on a terminal;\n' +
        'with --json the last line is one object: namespace, eventsReplayed, seconds, eventsPerSecond, position.',
    )
    .action(
      kit.action(async (ctx) => {
        const { out } = ctx;
        const client = await ctx.connect(true);
        // Listening before asking: the first report may come before the reply.
        const sub = await client.subscribe(ADMIN_SUBJECTS.projectionsRebuildProgress);
        try {
          const { value: started } = await client.call<RebuildStarted>(ADMIN_SUBJECTS.projectionsRebuild, {});
          if (!out.json)
            out.note(
              `rebuilding the views into ${started.namespace}; readers stay on ${started.previousNamespace} until the swap`,
            );
          const progress = out.progress('replaying events');
          let done: RebuildProgress;
          try {
            done = await untilEnd(sub, started.rebuildId, (p) => progress.update(p.eventsReplayed, p.eventsTotal));
          } finally {
            progress.end();
          }
          if (done.state === 'failed')
            throw new ApiError({
              code: done.error?.code === 'CONFLICT' ? 'CONFLICT' : 'UNAVAILABLE',
              message: done.error?.message ?? 'the rebuild failed',
            });
          if (out.json) out.line(JSON.stringify(done));
          else out.lines(rebuildSummary(done, out.paint));
        } finally {
          sub.unsubscribe();
        }
      }),
    );
};
