// Loads a fleet straight into the event log, as the domain events pool-command would have appended:
// setting up 10,000 pools through the command API would take longer than the benchmark itself.
import { type OrgEvent, orgStreamId } from '@gwpool/domain';
import type { EventMetadata, ExpectedRevision, NewEvent } from '@gwpool/event-log';
import { openEventLog } from '@gwpool/storage';
import { randomUUID } from 'node:crypto';
import type { CommandOrg } from '@gwpool/load-clients';
import type { ProbePool } from '../clients/protocol.js';

const APPEND_BATCH = 1000;
const PARALLEL_ORGS = 6;

export interface OrgEvents {
  org: string;
  events: NewEvent[];
}

export interface PoolRef {
  org: string;
  poolId: string;
}

export interface Fleet {
  orgs: CommandOrg[];
  smallPools: PoolRef[];
  bigPools: PoolRef[];
  /** In each big pool's org, a pool of the same members per non-default strategy (scenario 1b). */
  strategyPools: { roundRobin: PoolRef[]; leastLoaded: PoolRef[] };
  /** Org `bench-probe`: a pool whose member fails its check, and one whose member falls silent. */
  probe: { org: string; fail: ProbePool; silence: ProbePool };
  events: number;
}

export interface FleetSizes {
  orgs: number;
  gateways: number;
  pools: number;
  members: number;
  bigPools: number;
}

const metadataOf = (correlationId: string): EventMetadata => ({
  actor: 'bench@gwpool',
  correlationId,
  causationId: correlationId,
  occurredAt: new Date().toISOString(),
});

/** A domain event as pool-command would have appended it: the domain's types check the data. */
const event = <T extends OrgEvent['type']>(
  type: T,
  data: Extract<OrgEvent, { type: T }>['data'],
  metadata: EventMetadata,
): NewEvent => ({ id: randomUUID(), type, data, metadata });

/**
 * Appends each org's events in batches with the right expected revision, a few orgs at a time, through the same
 * schema-checked port the services append through: an event the services would quarantine is refused here.
 */
export async function appendOrgs(url: string, orgEvents: Iterable<OrgEvents>): Promise<number> {
  const log = await openEventLog(url);
  let appended = 0;
  try {
    // Pulled lazily: a million events' worth of objects need not all be in memory at once.
    const queue = orgEvents[Symbol.iterator]();
    const worker = async () => {
      for (let item = queue.next(); !item.done; item = queue.next()) {
        const { org, events } = item.value;
        let expected: ExpectedRevision = 'no_stream';
        for (let i = 0; i < events.length; i += APPEND_BATCH) {
          const batch = events.slice(i, i + APPEND_BATCH);
          const { nextRevision } = await log.append(orgStreamId(org), batch, expected);
          expected = nextRevision;
          appended += batch.length;
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_ORGS }, worker));
  } finally {
    await log.close();
  }
  return appended;
}

/**
 * `orgs` orgs of `gateways` gateways and `pools` pools of `members` members each; the first `bigPools` orgs have
 * one pool holding every gateway of the org instead. Plus org `bench-probe`: two pools of two for detection trials.
 */
export function fleetEvents({ orgs, gateways, pools, members, bigPools }: FleetSizes): {
  fleet: Fleet;
  orgEvents: OrgEvents[];
} {
  const fleetOrgs: CommandOrg[] = [];
  const smallPools: PoolRef[] = [];
  const big: PoolRef[] = [];
  const strategyPools: Fleet['strategyPools'] = { roundRobin: [], leastLoaded: [] };
  const orgEvents: OrgEvents[] = [];
  for (let o = 0; o < orgs; o += 1) {
    const org = `org-${o}`;
    const meta = metadataOf(randomUUID());
    const events: NewEvent[] = [];
    const gatewayIds = Array.from({ length: gateways }, (_, g) => `gw-${g}`);
    const hasBigPool = o < bigPools;
    gatewayIds.forEach((gatewayId, g) => {
      // A big pool's gateways spread over three zones, one in four tagged, for the preferZone and requireTags picks.
      const placement = hasBigPool
        ? { zone: `zone-${g % 3}`, ...(g % 4 === 0 ? { tags: ['pci'] } : {}) }
        : { zone: `zone-${o % 3}` };
      events.push(event('GatewayRegistered', { gatewayId, name: `gateway ${gatewayId}`, ...placement }, meta));
    });
    const poolIds: string[] = [];
    for (let p = 0; p < pools; p += 1) {
      const poolId = randomUUID();
      poolIds.push(poolId);
      events.push(event('PoolCreated', { poolId, name: `pool-${p}` }, meta));
      const isBig = p === 0 && o < bigPools;
      const memberIds = isBig
        ? gatewayIds
        : Array.from({ length: members }, (_, m) => gatewayIds[(p * members + m) % gatewayIds.length] as string);
      for (const gatewayId of memberIds) events.push(event('PoolMemberAdded', { poolId, gatewayId }, meta));
      (isBig ? big : smallPools).push({ org, poolId });
    }
    if (hasBigPool) {
      for (const [strategy, refs] of [
        ['round-robin', strategyPools.roundRobin],
        ['least-loaded', strategyPools.leastLoaded],
      ] as const) {
        const poolId = randomUUID();
        events.push(event('PoolCreated', { poolId, name: strategy, strategy }, meta));
        for (const gatewayId of gatewayIds) events.push(event('PoolMemberAdded', { poolId, gatewayId }, meta));
        refs.push({ org, poolId });
      }
    }
    fleetOrgs.push({ org, gatewayIds, poolIds });
    orgEvents.push({ org, events });
  }
  const org = 'bench-probe';
  const meta = metadataOf(randomUUID());
  const events: NewEvent[] = [];
  const probePool = (kind: string): ProbePool => {
    const poolId = randomUUID();
    const pool = { poolId, a: `${kind}-a`, b: `${kind}-b` };
    events.push(
      event('GatewayRegistered', { gatewayId: pool.a }, meta),
      event('GatewayRegistered', { gatewayId: pool.b }, meta),
    );
    events.push(event('PoolCreated', { poolId, name: kind }, meta));
    events.push(event('PoolMemberAdded', { poolId, gatewayId: pool.a }, meta));
    events.push(event('PoolMemberAdded', { poolId, gatewayId: pool.b }, meta));
    return pool;
  };
  const probe = { org, fail: probePool('fail'), silence: probePool('silence') };
  orgEvents.push({ org, events });
  const fleet: Fleet = {
    orgs: fleetOrgs,
    smallPools,
    bigPools: big,
    strategyPools,
    probe,
    events: orgEvents.reduce((n, o) => n + o.events.length, 0),
  };
  return { fleet, orgEvents };
}

/** Orgs for the command scenario: registered gateways and empty pools, so every pool.member.add appends an event. */
export function commandOrgEvents(
  prefix: string,
  count: number,
  { gateways = 500, pools = 100 }: { gateways?: number; pools?: number } = {},
): { orgs: CommandOrg[]; orgEvents: OrgEvents[] } {
  const orgs: CommandOrg[] = [];
  const orgEvents: OrgEvents[] = [];
  for (let o = 0; o < count; o += 1) {
    const org = `${prefix}-${o}`;
    const meta = metadataOf(randomUUID());
    const gatewayIds = Array.from({ length: gateways }, (_, g) => `gw-${g}`);
    const poolIds = Array.from({ length: pools }, () => randomUUID());
    const events = [
      ...gatewayIds.map((gatewayId) => event('GatewayRegistered', { gatewayId }, meta)),
      ...poolIds.map((poolId, p) => event('PoolCreated', { poolId, name: `pool-${p}` }, meta)),
    ];
    orgs.push({ org, gatewayIds, poolIds });
    orgEvents.push({ org, events });
  }
  return { orgs, orgEvents };
}

/**
 * A long history for the rebuild: per org 5,000 events of the kinds a real catalog accumulates
 * (registrations, pools, member churn, descriptions, consumers), `orgs` orgs in all.
 */
export function* historyOrgs(orgs: number): Generator<OrgEvents> {
  for (let o = 0; o < orgs; o += 1) {
    const org = `hist-${o}`;
    const meta = metadataOf(randomUUID());
    const events: NewEvent[] = [];
    const gateways = 1000;
    const pools = 250;
    for (let g = 0; g < gateways; g += 1)
      events.push(event('GatewayRegistered', { gatewayId: `gw-${g}`, zone: `z-${g % 4}` }, meta));
    const poolIds = Array.from({ length: pools }, () => randomUUID());
    poolIds.forEach((poolId, p) => events.push(event('PoolCreated', { poolId, name: `pool-${p}` }, meta)));
    poolIds.forEach((poolId, p) => {
      for (let m = 0; m < 10; m += 1)
        events.push(event('PoolMemberAdded', { poolId, gatewayId: `gw-${(p * 4 + m) % gateways}` }, meta));
    });
    poolIds.forEach((poolId, p) => {
      for (let m = 0; m < 2; m += 1) {
        events.push(
          event('PoolMemberRemoved', { poolId, gatewayId: `gw-${(p * 4 + m) % gateways}`, reason: 'removed' }, meta),
        );
      }
      events.push(event('PoolDescriptionChanged', { poolId, description: `pool ${p} of ${org}` }, meta));
      for (let c = 0; c < 2; c += 1) {
        const target = { kind: 'pool' as const, poolId };
        events.push(
          event('ConsumerAttached', { consumerId: `c-${p}-${c}`, consumerType: 'kubernetes-auth', target }, meta),
        );
      }
    });
    yield { org, events };
  }
}
