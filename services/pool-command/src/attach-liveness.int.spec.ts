import 'reflect-metadata';
import { jest } from '@jest/globals';
import { loadSettings } from '@gwpool/config';
import { LIVENESS_FACTS_SUBJECT, type LivenessFact } from '@gwpool/contracts';
import { LivenessView } from '@gwpool/liveness-view';
import { startMicroservice } from '@gwpool/nats';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { createDatabase, eventually, PlainClient, requireEnv } from '@gwpool/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { PoolCommandModule } from './app.module.js';
import { AppendAnnouncer } from './append-announcer.js';

jest.setTimeout(60_000);

/**
 * pool-command in this process on the shared test nats-server, with its own database: the attach rule judges a target
 * by the liveness facts pool-command has heard (and the stored liveness it loaded at start), not by the read model.
 */
describe('pool-command judging an attach by the liveness it keeps in memory', () => {
  const org = `attach${process.pid}`;
  const cmd = (name: string) => `gwpool.v1.${org}.cmd.${name}`;
  let client: PlainClient;
  let nc: NatsConnection;
  let liveness: LivenessView;
  let app: { close(): Promise<void> };
  let poolId: string;

  const heard = (fact: LivenessFact) =>
    eventually(
      () => liveness.get(fact.org, fact.gatewayId),
      (last) => last?.at === fact.at && last.check === fact.check,
      { label: `pool-command heard ${fact.gatewayId} ${fact.check}` },
    );
  const publishFact = async (fact: LivenessFact) => {
    client.publish(LIVENESS_FACTS_SUBJECT, { facts: [fact] });
    await client.flush();
    await heard(fact);
  };
  const attach = (consumerId: string, target: { poolId: string } | { gatewayId: string }) =>
    client.request(cmd('consumer.attach'), { consumerId, consumerType: 'kubernetes-auth', ...target });

  beforeAll(async () => {
    const natsUrl = requireEnv('TEST_NATS_URL');
    const url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_attach_test');
    const settings = loadSettings({
      NATS_URL: natsUrl,
      EVENT_STORE_URL: url,
      READ_MODEL_URL: url,
      HEARTBEAT_TTL: '1h',
    });
    const eventLog = await openEventLog(url);
    const readModel = await openReadModel(url, 'attach');
    // Stored before pool-command starts: loaded with the view.
    await readModel.recordLiveness([{ org, gatewayId: 'gw-stored', at: Date.now(), check: 'passed' }]);
    nc = await connect({ servers: natsUrl });
    liveness = new LivenessView(nc, readModel, { ttlMs: settings.heartbeatTtlMs });
    await liveness.start();
    const announcer = new AppendAnnouncer();
    app = await startMicroservice(
      PoolCommandModule.register({ settings, eventLog, liveness, announcer, closables: [eventLog, readModel] }),
      {
        name: `pool-command-${process.pid}`,
        queue: 'pool-command',
        settings,
        onConnect: (server) => announcer.connect(server),
      },
    );
    client = await PlainClient.connect(natsUrl);
    for (const gatewayId of ['gw-1', 'gw-2', 'gw-stored']) await client.ok(cmd('gateway.register'), { gatewayId });
    ({ poolId } = await client.ok<{ poolId: string }>(cmd('pool.create'), { name: 'edge' }));
    await client.ok(cmd('pool.member.add'), { poolId, gatewayId: 'gw-1' });
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    liveness?.stop();
    await nc?.close();
  });

  it('attaches to a pool whose member it heard beat, though nothing of it is stored', async () => {
    await publishFact({ org, gatewayId: 'gw-1', at: Date.now(), check: 'passed' });

    expect(await attach('c-1', { poolId })).toMatchObject({ ok: true });
  });

  it('refuses a pool whose only member it heard fail its check', async () => {
    await publishFact({ org, gatewayId: 'gw-1', at: Date.now(), check: 'failed' });

    const reply = await attach('c-2', { poolId });

    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'NO_HEALTHY_GATEWAY', message: "pool 'edge' has no healthy gateway (0/1 healthy)" },
    });
  });

  it('judges a gateway by the liveness stored before it started, until a fact says otherwise', async () => {
    expect(await attach('c-3', { gatewayId: 'gw-stored' })).toMatchObject({ ok: true });
    expect(await attach('c-4', { gatewayId: 'gw-2' })).toMatchObject({
      ok: false,
      error: { code: 'NO_HEALTHY_GATEWAY', message: "gateway 'gw-2' is not healthy" },
    });
  });
});
