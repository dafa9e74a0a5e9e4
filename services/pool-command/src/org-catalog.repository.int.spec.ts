import { jest } from '@jest/globals';
import {
  type CommandMetadata,
  DomainError,
  orgCatalogDecider,
  type OrgCommandData,
  orgStreamId,
  type OrgEvent,
} from '@gwpool/domain';
import { type EventLog, InvalidEventError } from '@gwpool/event-log';
import { PostgresEventLog } from '@gwpool/event-log-postgres';
import { toWireError } from '@gwpool/nats';
import { openEventLog } from '@gwpool/storage';
import { createDatabase, requireEnv } from '@gwpool/testing';
import { randomUUID } from 'node:crypto';
import { OrgCatalogRepository } from './org-catalog.repository.js';

jest.setTimeout(60_000);

const metadata = (): CommandMetadata => ({ now: Date.now(), causationId: randomUUID(), correlationId: randomUUID() });

describe('the org catalog repository against the schema-checked log', () => {
  let url: string;
  let log: EventLog;
  let repository: OrgCatalogRepository;

  beforeAll(async () => {
    url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_repo_test');
    log = await openEventLog(url);
    repository = new OrgCatalogRepository(log);
  });
  afterAll(() => log?.close());

  const length = async (org: string) => (await log.readStream(orgStreamId(org))).length;

  it('stores nothing and answers INTERNAL when a decider bug produces an invalid event', async () => {
    await repository.handle('acme', () => [{ type: 'GatewayRegistered', data: { gatewayId: 'gw-1' } }], metadata());
    const bypass = (): OrgEvent[] => [
      { type: 'GatewayRegistered', data: { gatewayId: 'gw-2' } },
      { type: 'PoolCreated', data: { poolId: 'p1', name: 42 } } as unknown as OrgEvent,
    ];

    const error = await repository.handle('acme', bypass, metadata()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).reason).toBe(
      'PoolCreated: data.name must be a string of 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
    );
    expect(toWireError(error)).toEqual({ code: 'INTERNAL', message: 'internal error; the service logged the details' });
    expect(await length('acme')).toBe(1);
  });

  it('refuses an empty GatewayRegistered such as the one a __proto__ body used to store', async () => {
    const bypass = () => [{ type: 'GatewayRegistered', data: {} } as unknown as OrgEvent];

    await expect(repository.handle('acme', bypass, metadata())).rejects.toBeInstanceOf(InvalidEventError);
    expect(await length('acme')).toBe(1);
  });

  it('quarantines an invalid event already in the log, and lets an operator void it', async () => {
    const raw = await PostgresEventLog.open({ url });
    const stored = { correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
    await raw.append(
      orgStreamId('legacy'),
      [
        { id: randomUUID(), type: 'PoolCreated', data: { poolId: 'p1', name: 42 }, metadata: stored },
        { id: randomUUID(), type: 'GatewayRegistered', data: { gatewayId: 'gw-1' }, metadata: stored },
      ],
      'no_stream',
    );
    await raw.close();

    const state = await repository.current('legacy');
    expect([...state.quarantined.keys()]).toEqual([0]);
    expect([...state.gateways.keys()]).toEqual(['gw-1']);

    const { events } = await repository.handle(
      'legacy',
      () => [{ type: 'EventVoided', data: { revision: 0, reason: 'pool name was a number' } }],
      metadata(),
    );
    expect(events).toHaveLength(1);
    expect((await repository.current('legacy')).quarantined.size).toBe(0);
  });
});

describe('two repositories racing on one org against PostgreSQL', () => {
  const decider = orgCatalogDecider({ entitlements: 'open', heartbeatTtlMs: 30_000 });
  let log: EventLog;
  let first: OrgCatalogRepository;
  let second: OrgCatalogRepository;

  beforeAll(async () => {
    log = await openEventLog(await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_race_test'));
  });
  beforeEach(() => {
    // Two pool-command instances: each its own cache and lock, one log.
    first = new OrgCatalogRepository(log);
    second = new OrgCatalogRepository(log);
  });
  afterAll(() => log?.close());

  const run = (repository: OrgCatalogRepository, org: string, command: OrgCommandData) => {
    const meta = metadata();
    return repository.handle(org, (state) => decider.decide({ ...command, metadata: meta }, state), meta);
  };
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'OK',
      (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
    );

  it('lands every command of both, each decided on the state the other left, when all of them race', async () => {
    const gateways = Array.from({ length: 12 }, (_, i) => `gw-${i}`);
    for (const gatewayId of gateways) await run(first, 'race', { type: 'RegisterGateway', data: { gatewayId } });
    await run(second, 'race', { type: 'CreatePool', data: { poolId: 'p-1', name: 'edge' } });

    const outcomes = await Promise.all(
      gateways.map((gatewayId, i) =>
        outcome(
          run(i % 2 === 0 ? first : second, 'race', { type: 'AddPoolMember', data: { poolId: 'p-1', gatewayId } }),
        ),
      ),
    );

    expect(outcomes).toEqual(gateways.map(() => 'OK'));
    const stream = await log.readStream(orgStreamId('race'));
    expect(stream.map((e) => e.revision)).toEqual(stream.map((_, i) => i));
    const added = stream
      .filter((e) => e.type === 'PoolMemberAdded')
      .map((e) => (e.data as { gatewayId: string }).gatewayId);
    expect(added.sort()).toEqual([...gateways].sort());
    for (const repository of [first, second]) {
      expect((await repository.current('race')).pools.get('p-1')?.members.size).toBe(gateways.length);
    }
  });

  it('lets exactly one of many creates of one name win, across both', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        outcome(
          run(i % 2 === 0 ? first : second, 'names', { type: 'CreatePool', data: { poolId: `p-${i}`, name: 'edge' } }),
        ),
      ),
    );

    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(9);
    expect((await log.readStream(orgStreamId('names'))).map((e) => e.type)).toEqual(['PoolCreated']);
  });
});
