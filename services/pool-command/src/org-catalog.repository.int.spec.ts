import { jest } from '@jest/globals';
import { orgStreamId, type OrgEvent } from '@gwpool/domain';
import { type EventLog, InvalidEventError } from '@gwpool/event-log';
import { PostgresEventLog } from '@gwpool/event-log-postgres';
import { toWireError, type RequestContext } from '@gwpool/nats';
import { openEventLog } from '@gwpool/storage';
import { createDatabase, requireEnv } from '@gwpool/testing';
import { randomUUID } from 'node:crypto';
import { OrgCatalogRepository } from './org-catalog.repository.js';

jest.setTimeout(60_000);

const request = (): RequestContext => ({ org: 'acme', requestId: randomUUID(), correlationId: randomUUID() });

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
    await repository.update('acme', () => [{ type: 'GatewayRegistered', data: { gatewayId: 'gw-1' } }], request());
    const bypass = (): OrgEvent[] => [
      { type: 'GatewayRegistered', data: { gatewayId: 'gw-2' } },
      { type: 'PoolCreated', data: { poolId: 'p1', name: 42 } } as unknown as OrgEvent,
    ];

    const error = await repository.update('acme', bypass, request()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).reason).toBe(
      'PoolCreated: data.name must be a string of 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
    );
    expect(toWireError(error)).toEqual({ code: 'INTERNAL', message: 'internal error; the service logged the details' });
    expect(await length('acme')).toBe(1);
  });

  it('refuses an empty GatewayRegistered such as the one a __proto__ body used to store', async () => {
    const bypass = () => [{ type: 'GatewayRegistered', data: {} } as unknown as OrgEvent];

    await expect(repository.update('acme', bypass, request())).rejects.toBeInstanceOf(InvalidEventError);
    expect(await length('acme')).toBe(1);
  });

  it('quarantines an invalid event already in the log, and lets an operator void it', async () => {
    const raw = await PostgresEventLog.open({ url });
    const metadata = { correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
    await raw.append(
      orgStreamId('legacy'),
      [
        { id: randomUUID(), type: 'PoolCreated', data: { poolId: 'p1', name: 42 }, metadata },
        { id: randomUUID(), type: 'GatewayRegistered', data: { gatewayId: 'gw-1' }, metadata },
      ],
      'no_stream',
    );
    await raw.close();

    const state = await repository.load('legacy');
    expect([...state.quarantined.keys()]).toEqual([0]);
    expect([...state.gateways.keys()]).toEqual(['gw-1']);

    const { events } = await repository.update(
      'legacy',
      () => [{ type: 'EventVoided', data: { revision: 0, reason: 'pool name was a number' } }],
      request(),
    );
    expect(events).toHaveLength(1);
    expect((await repository.load('legacy')).quarantined.size).toBe(0);
  });
});
