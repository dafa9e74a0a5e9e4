import { jest } from '@jest/globals';
import { type CommandMetadata, orgStreamId, type OrgEvent } from '@gwpool/domain';
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
