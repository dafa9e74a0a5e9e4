// What an experiment does to the running stack, a few seconds into the load.
import type { ServiceName } from '@gwpool/launcher';
import type { ChaosStack, Instance } from '../lib/stack.js';

export interface Disruption {
  name: string;
  /** Does it; returns what is worth noting (which instance, how long it was down). */
  run(stack: ChaosStack): Promise<string>;
}

interface ProjectorStatus {
  role: string;
  pid: number;
}

/** The projector that holds the writer lease: killing a standby would test nothing. */
async function activeProjector(stack: ChaosStack): Promise<Instance | undefined> {
  const replies = await stack.nc.requestMany('gwpool.v1.admin.projector.status', '{}', {
    strategy: 'timer',
    maxWait: 1000,
  });
  for await (const reply of replies) {
    const status = reply.json<ProjectorStatus>();
    if (status.role === 'active') return stack.of('projector').find((i) => i.supervisor.process.pid === status.pid);
  }
  return undefined;
}

export const killOne = (name: ServiceName): Disruption => ({
  name: `kill -9 ${name}`,
  async run(stack) {
    const instance =
      (name === 'projector' ? await activeProjector(stack) : undefined) ??
      stack.of(name).find((i) => i.supervisor.running);
    if (!instance) throw new Error(`no running ${name} to kill`);
    const started = Date.now();
    const next = instance.supervisor.nextStart();
    await instance.supervisor.process.stop('SIGKILL');
    await next;
    await stack.ready(instance);
    return `${instance.label}${name === 'projector' ? ' (the writer)' : ''} back in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  },
});

export const restartNats: Disruption = {
  name: 'NATS restart',
  async run(stack) {
    await stack.restartNats(1000);
    return 'nats-server down 1 s';
  },
};

export const restartPostgres: Disruption = {
  name: 'PostgreSQL restart',
  async run(stack) {
    const started = Date.now();
    await stack.restartPostgres(2000);
    return `PostgreSQL down ${((Date.now() - started) / 1000).toFixed(1)} s`;
  },
};
