// Over 200 lines: one describe per path through handle() (cache, moved-on, lost race, bound, attach), sharing one
// in-memory log and two instances on it.
import {
  type CommandMetadata,
  DomainError,
  type GatewayLiveness,
  type OrgCatalog,
  orgCatalogDecider,
  type OrgCommandData,
  type OrgEvent,
  orgStreamId,
} from '@gwpool/domain';
import { type NewEvent, WrongExpectedRevisionError } from '@gwpool/event-log';
import { InMemoryEventLog } from '@gwpool/event-log/testing';
import { randomUUID } from 'node:crypto';
import { OrgCatalogRepository } from './org-catalog.repository.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const decider = orgCatalogDecider({ entitlements: 'open', heartbeatTtlMs: 30_000 });
const metadata: CommandMetadata = { now: NOW, actor: 'alice', correlationId: 'corr-1', causationId: 'req-1' };

/** What the handler does: decide the command on the repository's catalog, append what it decides. */
function run(repository: OrgCatalogRepository, org: string, command: OrgCommandData) {
  const stamped = { ...command, metadata };
  return repository.handle(org, (state) => decider.decide(stamped, state), metadata);
}

/** An event another writer appended, straight to the log. */
const foreign = (gatewayId: string): NewEvent => ({
  id: randomUUID(),
  type: 'GatewayRegistered',
  data: { gatewayId },
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: new Date(NOW).toISOString() },
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

const register = (gatewayId: string, name?: string): OrgCommandData => ({
  type: 'RegisterGateway',
  data: { gatewayId, name },
});
const createPool = (poolId: string, name: string): OrgCommandData => ({ type: 'CreatePool', data: { poolId, name } });
const addMember = (poolId: string, gatewayId: string): OrgCommandData => ({
  type: 'AddPoolMember',
  data: { poolId, gatewayId },
});

describe('the org catalog repository', () => {
  let log: InMemoryEventLog;
  let repository: OrgCatalogRepository;
  /** Another pool-command instance on the same log. */
  let other: OrgCatalogRepository;
  const types = async (org: string) => (await log.readStream(orgStreamId(org))).map((e) => e.type);
  const readsOf = (org: string) => log.reads.filter((r) => r.streamId === orgStreamId(org)).map((r) => r.fromRevision);

  beforeEach(() => {
    log = new InMemoryEventLog();
    repository = new OrgCatalogRepository(log);
    other = new OrgCatalogRepository(log);
  });

  describe('its cache', () => {
    it('reads an org once, then decides on its cached catalog while its appends succeed', async () => {
      await run(repository, 'acme', register('gw-1'));
      await run(repository, 'acme', createPool('p-1', 'edge'));
      const { state } = await run(repository, 'acme', addMember('p-1', 'gw-1'));

      expect(readsOf('acme')).toEqual([0]);
      expect([...(state.pools.get('p-1')?.members ?? [])]).toEqual(['gw-1']);
      expect(await types('acme')).toEqual(['GatewayRegistered', 'PoolCreated', 'PoolMemberAdded']);
    });

    it('stamps each event with the command metadata, and names the event that caused it within the command', async () => {
      await run(repository, 'acme', register('gw-1'));
      await run(repository, 'acme', createPool('p-1', 'edge'));
      await run(repository, 'acme', addMember('p-1', 'gw-1'));

      await run(repository, 'acme', { type: 'DeregisterGateway', data: { gatewayId: 'gw-1' } });

      const [deregistered, removed] = (await log.readStream(orgStreamId('acme'))).slice(3);
      expect(deregistered?.metadata).toEqual({
        actor: 'alice',
        correlationId: 'corr-1',
        causationId: 'req-1',
        occurredAt: new Date(NOW).toISOString(),
      });
      expect(removed?.metadata).toMatchObject({ causationId: deregistered?.id, correlationId: 'corr-1' });
    });
  });

  describe('the position it answers with', () => {
    const positions = async (org: string) => (await log.readStream(orgStreamId(org))).map((e) => e.position);

    it("is the position of the command's last event, which a reader must have applied to see it", async () => {
      await run(repository, 'acme', register('gw-1'));
      await run(repository, 'acme', createPool('p-1', 'edge'));
      await run(repository, 'acme', addMember('p-1', 'gw-1'));

      const { events, position } = await run(repository, 'acme', {
        type: 'DeregisterGateway',
        data: { gatewayId: 'gw-1' },
      });

      expect(events).toHaveLength(2);
      expect(position).toBe((await positions('acme'))[4]);
    });

    it('is, for a repeat that appends nothing, the position of the event that already held its effect', async () => {
      const first = await run(repository, 'acme', register('gw-1', 'alpha'));
      await run(repository, 'globex', register('gw-1'));

      const cached = await run(repository, 'acme', register('gw-1', 'alpha'));
      const readFresh = await run(other, 'acme', register('gw-1', 'alpha'));

      expect([cached.events, readFresh.events]).toEqual([[], []]);
      expect([cached.position, readFresh.position]).toEqual([first.position, first.position]);
    });

    it("is the org's newest position when another writer appended after the cached catalog", async () => {
      await run(repository, 'acme', register('gw-1', 'alpha'));
      await log.append(orgStreamId('acme'), [foreign('gw-2')], 0);

      const { events, position } = await run(repository, 'acme', register('gw-1', 'alpha'));

      expect(events).toEqual([]);
      expect(position).toBe((await positions('acme'))[1]);
    });
  });

  describe('a cached catalog that is behind the log', () => {
    beforeEach(async () => {
      await run(repository, 'acme', register('gw-1', 'alpha'));
      await run(repository, 'acme', createPool('p-1', 'edge'));
    });

    it('answers a refusal only after a read of the log shows nothing newer', async () => {
      const error = await refusal(run(repository, 'acme', { type: 'DeletePool', data: { poolId: 'p-9' } }));

      expect(error).toEqual(new DomainError('NOT_FOUND', "pool 'p-9' not found in org 'acme'"));
      expect(readsOf('acme')).toEqual([0, 2]);
    });

    it('decides a refusal again on the newer catalog once the log shows it was behind', async () => {
      await run(other, 'acme', createPool('p-2', 'edge-2'));

      await run(repository, 'acme', addMember('p-2', 'gw-1'));

      expect(readsOf('acme')).toEqual([0, 0, 2]);
      expect(await types('acme')).toEqual(['GatewayRegistered', 'PoolCreated', 'PoolCreated', 'PoolMemberAdded']);
    });

    it('decides a no-op again on the newer catalog once the log shows it was behind', async () => {
      await run(other, 'acme', register('gw-1', 'beta'));

      const { events } = await run(repository, 'acme', register('gw-1', 'alpha'));

      expect(events).toEqual([{ type: 'GatewayUpdated', data: { gatewayId: 'gw-1', name: 'alpha' } }]);
    });

    it('answers a no-op only after a read of the log shows nothing newer', async () => {
      const { events } = await run(repository, 'acme', register('gw-1', 'alpha'));

      expect(events).toEqual([]);
      expect(readsOf('acme')).toEqual([0, 2]);
    });
  });

  describe('a lost race', () => {
    it('re-decides on the catalog the winner left and appends after it', async () => {
      await run(repository, 'acme', register('gw-1'));
      await run(repository, 'acme', register('gw-2'));
      await run(repository, 'acme', createPool('p-1', 'edge'));
      await run(other, 'acme', addMember('p-1', 'gw-2'));
      let decisions = 0;

      const { events, state } = await repository.handle(
        'acme',
        (current) => {
          decisions += 1;
          return decider.decide({ ...addMember('p-1', 'gw-1'), metadata }, current);
        },
        metadata,
      );

      expect(decisions).toBe(2);
      expect(events).toEqual([{ type: 'PoolMemberAdded', data: { poolId: 'p-1', gatewayId: 'gw-1' } }]);
      expect([...(state.pools.get('p-1')?.members ?? [])]).toEqual(['gw-2', 'gw-1']);
      expect(readsOf('acme')).toEqual([0, 0, 3]);
    });

    it('refuses the second of two conflicting commands on the state the first produced', async () => {
      await run(repository, 'acme', register('gw-1'));
      await run(other, 'acme', createPool('p-2', 'edge'));

      const error = await refusal(run(repository, 'acme', createPool('p-1', 'edge')));

      expect((error as DomainError).code).toBe('CONFLICT');
      expect(await types('acme')).toEqual(['GatewayRegistered', 'PoolCreated']);
    });

    it('gives up after eight lost races and forgets the catalog, which the next command reads again', async () => {
      await run(repository, 'acme', register('gw-1'));
      let decisions = 0;
      const alwaysBeaten = (state: OrgCatalog): OrgEvent[] => {
        decisions += 1;
        // Another writer appends between this decision and its append, every time.
        void log.append(orgStreamId('acme'), [foreign(`gw-other-${decisions}`)], 'any');
        return decider.decide({ ...createPool(`p-${decisions}`, `edge-${decisions}`), metadata }, state);
      };

      const error = await refusal(repository.handle('acme', alwaysBeaten, metadata));

      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(decisions).toBe(8);
      expect(repository.isCached('acme')).toBe(false);
      expect((await types('acme')).filter((type) => type === 'PoolCreated')).toEqual([]);
    });
  });

  describe('the bound on cached orgs', () => {
    beforeEach(() => {
      repository = new OrgCatalogRepository(log, { maxOrgs: 2 });
    });

    it('drops the least recently used org past the bound, and decides its next command as before', async () => {
      for (const org of ['a', 'b', 'c']) await run(repository, org, createPool('p-1', 'edge'));
      expect(['a', 'b', 'c'].map((org) => repository.isCached(org))).toEqual([false, true, true]);

      const error = await refusal(run(repository, 'a', createPool('p-2', 'edge')));

      expect(error).toEqual(new DomainError('CONFLICT', "a pool named 'edge' already exists in org 'a'"));
      expect(readsOf('a')).toEqual([0, 0]);
      expect(['a', 'b', 'c'].map((org) => repository.isCached(org))).toEqual([true, false, true]);
    });

    it('keeps the org a command used last', async () => {
      await run(repository, 'a', createPool('p-1', 'edge'));
      await run(repository, 'b', createPool('p-1', 'edge'));
      await run(repository, 'a', createPool('p-2', 'edge-2'));

      await run(repository, 'c', createPool('p-1', 'edge'));

      expect(['a', 'b', 'c'].map((org) => repository.isCached(org))).toEqual([true, false, true]);
      expect(readsOf('a')).toEqual([0]);
    });
  });

  describe('an attach, with the liveness it was given', () => {
    const attach = (liveness: GatewayLiveness[]): OrgCommandData => ({
      type: 'AttachConsumer',
      data: { consumerId: 'c-1', consumerType: 'pam', target: { kind: 'pool', poolId: 'p-1' }, liveness },
    });
    const beat = (gatewayId: string, check: 'passed' | 'failed'): GatewayLiveness => ({
      gatewayId,
      at: NOW - 1000,
      check,
    });

    beforeEach(async () => {
      for (const command of [register('gw-1'), register('gw-2'), createPool('p-1', 'edge'), addMember('p-1', 'gw-1')])
        await run(repository, 'acme', command);
      // A member joins through another instance, after the attach looked up its liveness.
      await run(other, 'acme', addMember('p-1', 'gw-2'));
    });

    it('is decided again on the newer catalog with the same liveness, which may make a new member count', async () => {
      const { events } = await run(repository, 'acme', attach([beat('gw-1', 'failed'), beat('gw-2', 'passed')]));

      expect(events.map((e) => e.type)).toEqual(['ConsumerAttached']);
    });

    it('counts a member the liveness does not mention as unhealthy', async () => {
      const error = await refusal(run(repository, 'acme', attach([beat('gw-1', 'failed')])));

      expect(error).toEqual(new DomainError('NO_HEALTHY_GATEWAY', "pool 'edge' has no healthy gateway (0/2 healthy)"));
    });
  });
});
