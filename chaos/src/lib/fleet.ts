// The steady fleet every experiment runs under, set up through the public API, and the big one of the burst,
// appended straight to the log (50,000 registrations through the API would take longer than the burst).
import { type OrgEvent, orgStreamId } from '@gwpool/domain';
import type { NewEvent } from '@gwpool/event-log';
import { openEventLog } from '@gwpool/storage';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

export const ORG = 'chaos';
/** Where the command load creates its pools, so the pick org's catalog stays small. */
export const COMMAND_ORG = 'chaos-cmd';
export const GATEWAYS = Array.from({ length: 50 }, (_, i) => `gw-${i}`);
/** A gateway whose check flips every half second, and one that always passes: their pool's health changes that often. */
export const FLAPPER = 'gw-flap';
export const STEADY = 'gw-steady';

export interface Fleet {
  /** The pools picks go to: ten of five members, every member beating every second. */
  poolIds: string[];
  flapPoolId: string;
}

async function ok<T>(nc: NatsConnection, subject: string, body: unknown): Promise<T> {
  const reply = (await nc.request(subject, JSON.stringify(body), { timeout: 10_000 })).json<T & { error?: unknown }>();
  if (reply.error) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
  return reply;
}

export async function setUpFleet(nc: NatsConnection): Promise<Fleet> {
  const cmd = (name: string) => `gwpool.v1.${ORG}.cmd.${name}`;
  for (const gatewayId of [...GATEWAYS, FLAPPER, STEADY]) await ok(nc, cmd('gateway.register'), { gatewayId });
  const poolIds: string[] = [];
  for (let p = 0; p < 10; p += 1) {
    const { poolId } = await ok<{ poolId: string }>(nc, cmd('pool.create'), { name: `edge-${p}` });
    for (const gatewayId of GATEWAYS.slice(p * 5, p * 5 + 5))
      await ok(nc, cmd('pool.member.add'), { poolId, gatewayId });
    poolIds.push(poolId);
  }
  const { poolId: flapPoolId } = await ok<{ poolId: string }>(nc, cmd('pool.create'), { name: 'flap' });
  for (const gatewayId of [FLAPPER, STEADY]) await ok(nc, cmd('pool.member.add'), { poolId: flapPoolId, gatewayId });
  return { poolIds, flapPoolId };
}

/** Until route.pick answers with a gateway for every pool of the fleet. */
export async function untilHealthy(nc: NatsConnection, fleet: Fleet, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let healthy = 0;
    for (const poolId of fleet.poolIds) {
      const reply = await nc
        .request(`gwpool.v1.${ORG}.query.route.pick`, JSON.stringify({ poolId }), { timeout: 5000 })
        .then((m) => m.json<{ gatewayId?: string }>())
        .catch((): { gatewayId?: string } => ({}));
      if (reply.gatewayId) healthy += 1;
    }
    if (healthy === fleet.poolIds.length) return;
    if (Date.now() > deadline)
      throw new Error(`only ${healthy} of ${fleet.poolIds.length} pools healthy after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `orgs` orgs of `perOrg` gateways, registered by events appended as pool-command would have; their subjects. */
export async function appendBurstFleet(eventStoreUrl: string, orgs: number, perOrg: number): Promise<string[]> {
  const log = await openEventLog(eventStoreUrl);
  const subjects: string[] = [];
  try {
    for (let o = 0; o < orgs; o += 1) {
      const org = `burst-${o}`;
      const metadata = { correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() };
      const events: NewEvent[] = [];
      for (let g = 0; g < perOrg; g += 1) {
        const event: OrgEvent = { type: 'GatewayRegistered', data: { gatewayId: `gw-${g}` } };
        events.push({ id: randomUUID(), type: event.type, data: event.data, metadata });
        subjects.push(`gwpool.v1.${org}.heartbeat.gw-${g}`);
      }
      await log.append(orgStreamId(org), events, 'no_stream');
    }
  } finally {
    await log.close();
  }
  return subjects;
}
