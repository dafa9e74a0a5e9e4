import type { ServiceIdentity } from '@nats-io/services';
import { Empty, type NatsConnection } from '@nats-io/transport-node';
import { sleep } from './child-process.js';

/** What the probe needs of a started service: a ServiceProcess fits. */
export interface ProbedService {
  readonly name: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  logs(lines?: number): string;
}

/**
 * The `$SRV.PING.{name}` replies (NATS micro-services protocol) that arrive within maxWaitMs, or until `until`
 * accepts one. No instance registered yet is an empty list.
 */
export async function pingService(
  nc: NatsConnection,
  name: string,
  { maxWaitMs = 500, until }: { maxWaitMs?: number; until?: (identity: ServiceIdentity) => boolean } = {},
): Promise<ServiceIdentity[]> {
  const found: ServiceIdentity[] = [];
  try {
    const replies = await nc.requestMany(`$SRV.PING.${name}`, Empty, { strategy: 'timer', maxWait: maxWaitMs });
    for await (const msg of replies) {
      let identity: ServiceIdentity;
      try {
        identity = msg.json<ServiceIdentity>();
      } catch {
        continue; // not a service's reply
      }
      found.push(identity);
      if (until?.(identity)) break;
    }
  } catch {
    // no responders: nothing registered under that name yet
  }
  return found;
}

/**
 * Waits until the instance `service` started answers `$SRV.PING.{name}` with its own pid in the metadata. A service
 * registers only once it can answer, so this is its readiness. Fails at once, with its last output, if it exits.
 */
export async function waitForService(
  nc: NatsConnection,
  service: ProbedService,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<ServiceIdentity> {
  const deadline = Date.now() + timeoutMs;
  const pid = String(service.pid);
  const ours = (identity: ServiceIdentity) => identity.metadata?.['pid'] === pid;
  for (;;) {
    if (!service.running) {
      throw new Error(`${service.name} exited during start; its last output:\n${service.logs(40)}`);
    }
    const identity = (await pingService(nc, service.name, { maxWaitMs: 250, until: ours })).find(ours);
    if (identity) return identity;
    if (Date.now() > deadline) {
      throw new Error(
        `${service.name} (pid ${pid}) did not answer $SRV.PING.${service.name} within ${timeoutMs / 1000} s; ` +
          `its last output:\n${service.logs(40)}`,
      );
    }
    await sleep(50);
  }
}

/**
 * Readiness of the instance a supervisor keeps running: like waitForService, but an instance that dies during its
 * start is waited for again once the supervisor has restarted it. Fails only when timeoutMs runs out.
 */
export async function waitForSupervised(
  nc: NatsConnection,
  supervisor: { readonly process: ProbedService; nextStart(): Promise<void> },
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<ServiceIdentity> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const restarted = supervisor.nextStart();
    try {
      return await waitForService(nc, supervisor.process, { timeoutMs: Math.max(0, deadline - Date.now()) });
    } catch (error) {
      if (supervisor.process.running || Date.now() >= deadline) throw error;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadline - Date.now())));
      const outcome = await Promise.race([restarted, late]);
      clearTimeout(timer);
      if (outcome === 'late') throw error;
    }
  }
}
