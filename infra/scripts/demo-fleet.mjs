// A small demo fleet: registers gateways, builds pools, attaches a consumer and keeps heartbeats coming,
// with one gateway that fails its check now and then so health changes can be watched.
// With DEMO_CREDS_DIR (the org's folder of an auth store: users/demo-admin.creds, gateways/{id}.creds), it acts as
// the org's admin and each gateway beats with its own credential, as real ones would; without it, it connects bare.
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ADMIN, DEMO_GATEWAYS, DEMO_POOLS } from './demo-plan.mjs';

const org = process.env.DEMO_ORG ?? 'demo';
const credsDir = process.env.DEMO_CREDS_DIR?.trim();
const connectAs = (name, creds) =>
  connect({
    servers: process.env.NATS_URL,
    name,
    ...(creds ? { authenticator: credsAuthenticator(readFileSync(join(credsDir, creds))) } : {}),
  });
const nc = await connectAs('demo-fleet', credsDir && join('users', `${DEMO_ADMIN}.creds`));
// One connection per gateway when each has its own credential; one connection for all of them otherwise.
const beaters = new Map();
for (const { gatewayId } of DEMO_GATEWAYS) {
  beaters.set(gatewayId, credsDir ? await connectAs(gatewayId, join('gateways', `${gatewayId}.creds`)) : nc);
}
const ask = async (subject, body) => {
  const reply = (await nc.request(subject, JSON.stringify(body), { timeout: 5000 })).json();
  if (reply?.error && reply.error.code !== 'CONFLICT') throw new Error(`${subject}: ${reply.error.message}`);
  return reply;
};
const cmd = (name, body) => ask(`gwpool.v1.${org}.cmd.${name}`, body);

const gateways = DEMO_GATEWAYS;
for (const gateway of gateways) await cmd('gateway.register', gateway);

const beat = (check) => {
  for (const { gatewayId } of gateways) {
    const flapping = gatewayId === 'gw-eu-3' && Math.floor(Date.now() / 30_000) % 2 === 1;
    beaters
      .get(gatewayId)
      .publish(
        `gwpool.v1.${org}.heartbeat.${gatewayId}`,
        JSON.stringify({ check: flapping ? 'failed' : check, sentAt: new Date().toISOString() }),
      );
  }
};
// Heartbeat-ingest learns the registrations from the log within moments; beat until the pools are healthy.
beat('passed');

const pools = {};
const existing = (await ask(`gwpool.v1.${org}.query.pool.list`, {})).pools ?? [];
for (const [name, members] of DEMO_POOLS) {
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
  await Promise.all([...new Set([nc, ...beaters.values()])].map((c) => c.drain()));
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
