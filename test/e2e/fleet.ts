import type { PlainClient } from '@gwpool/testing';

export const cmd = (org: string, name: string) => `gwpool.v1.${org}.cmd.${name}`;
export const query = (org: string, name: string) => `gwpool.v1.${org}.query.${name}`;
export const heartbeat = (org: string, gatewayId: string) => `gwpool.v1.${org}.heartbeat.${gatewayId}`;

/** Every projector's answer to projector.status (each instance answers), as the caller reads its fields. */
export async function projectorStatuses<T>(client: PlainClient): Promise<T[]> {
  const replies = await client.nc.requestMany('gwpool.v1.admin.projector.status', '{}', {
    strategy: 'timer',
    maxWait: 500,
  });
  const found: T[] = [];
  for await (const reply of replies) found.push(reply.json<T>());
  return found;
}

/** Gateways that keep beating on their own until told otherwise, as real ones would. */
export class HeartbeatPump {
  private readonly checks = new Map<string, 'passed' | 'failed' | 'silent'>();
  private readonly loads = new Map<string, { activeConnections: number; capacity?: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: PlainClient,
    private readonly org: string,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.beat(), intervalMs);
  }

  set(gatewayId: string, check: 'passed' | 'failed' | 'silent'): void {
    this.checks.set(gatewayId, check);
    this.beat();
  }

  /** The load each later heartbeat of the gateway reports. */
  setLoad(gatewayId: string, load: { activeConnections: number; capacity?: number }): void {
    this.loads.set(gatewayId, load);
    this.beat();
  }

  beat(): void {
    for (const [gatewayId, check] of this.checks) {
      const load = this.loads.get(gatewayId);
      if (check !== 'silent')
        this.client.publish(heartbeat(this.org, gatewayId), {
          check,
          sentAt: new Date().toISOString(),
          ...(load ? { load } : {}),
        });
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export async function registerGateways(client: PlainClient, org: string, ids: string[]): Promise<void> {
  for (const gatewayId of ids)
    await client.ok(cmd(org, 'gateway.register'), { gatewayId, name: `Gateway ${gatewayId}`, zone: 'eu-1' });
}

export async function poolWith(client: PlainClient, org: string, name: string, members: string[]): Promise<string> {
  const { poolId } = await client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name });
  for (const gatewayId of members) await client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId });
  return poolId;
}
