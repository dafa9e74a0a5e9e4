// A small demo fleet: registers gateways, builds pools, attaches a consumer and keeps heartbeats coming,
// with one gateway that fails its check now and then so health changes can be watched.
import { connect } from '@nats-io/transport-node';

const org = process.env.DEMO_ORG ?? 'demo';
const nc = await connect({ servers: process.env.NATS_URL, name: 'demo-fleet' });
const ask = async (subject, body) => {
  const reply = (await nc.request(subject, JSON.stringify(body), { timeout: 5000 })).json();
  if (reply?.error && reply.error.code !== 'CONFLICT') throw new Error(`${subject}: ${reply.error.message}`);
  return reply;
};
const cmd = (name, body) => ask(`gwpool.v1.${org}.cmd.${name}`, body);

const gateways = [
  { gatewayId: 'gw-eu-1', name: 'Frankfurt 1', zone: 'eu-central-1a' },
  { gatewayId: 'gw-eu-2', name: 'Frankfurt 2', zone: 'eu-central-1b' },
  { gatewayId: 'gw-eu-3', name: 'Frankfurt 3', zone: 'eu-central-1c' },
  { gatewayId: 'gw-us-1', name: 'Virginia 1', zone: 'us-east-1a' },
  { gatewayId: 'gw-us-2', name: 'Virginia 2', zone: 'us-east-1b' },
];
for (const gateway of gateways) await cmd('gateway.register', gateway);

const beat = (check) => {
  for (const { gatewayId } of gateways) {
    const flapping = gatewayId === 'gw-eu-3' && Math.floor(Date.now() / 30_000) % 2 === 1;
    nc.publish(
      `gwpool.v1.${org}.heartbeat.${gatewayId}`,
      JSON.stringify({ check: flapping ? 'failed' : check, sentAt: new Date().toISOString() }),
    );
  }
};
// Heartbeat-ingest learns the registrations from the log within moments; beat until the pools are healthy.
beat('passed');

const pools = {};
const existing = (await ask(`gwpool.v1.${org}.query.pool.list`, {})).pools ?? [];
for (const [name, members] of [
  ['edge-eu', ['gw-eu-1', 'gw-eu-2', 'gw-eu-3']],
  ['edge-us', ['gw-us-1', 'gw-us-2']],
]) {
  const found = existing.find((p) => p.name === name);
  const poolId = found ? found.poolId : (await cmd('pool.create', { name, description: `demo pool ${name}` })).poolId;
  pools[name] = poolId;
  for (const gatewayId of members) await cmd('pool.member.add', { poolId, gatewayId });
}
for (let i = 0; i < 50; i += 1) {
  beat('passed');
  const health = await ask(`gwpool.v1.${org}.query.pool.get`, { poolId: pools['edge-eu'] });
  if (health.healthy > 0) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
await cmd('consumer.attach', { consumerId: 'k8s-prod', consumerType: 'kubernetes-auth', poolId: pools['edge-eu'] });

console.log(
  `demo fleet: org '${org}', pools ${JSON.stringify(pools)}, heartbeats every 5 s (gw-eu-3 fails every other 30 s)`,
);
const timer = setInterval(() => beat('passed'), 5000);
const stop = async () => {
  clearInterval(timer);
  await nc.drain();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
