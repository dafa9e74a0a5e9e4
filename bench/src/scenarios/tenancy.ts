// Scenario 6: what tenancy in the transport costs route.pick. A nats-server of its own in operator mode, the services
// with their credential, one org: the same picks sent from inside the services account (as the operators' tools send
// them) and from the org's account (as a tenant's router sends them, through the import, with Nats-Request-Info and
// the org check), interleaved run by run with the raw echo yardstick on that server.
import { type ServiceName, ServiceProcess, startNatsServer, waitForService } from '@gwpool/launcher';
import { readNatsCreds } from '@gwpool/nats-auth';
import { StackAuth } from '@gwpool/nats-auth/testing';
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import type { RequestItem } from '@gwpool/load-clients';
import type { BenchContext } from '../lib/context.js';
import { echoOf, requestRun, Series, type SeriesSummary, startEcho } from '../lib/load.js';

const ORG = 'acme';
const SERVICES: ServiceName[] = ['projector', 'pool-command', 'heartbeat-ingest', 'routing-query'];
const TARGETS = [
  ['echo', 'echo yardstick, services account'],
  ['within', 'route.pick, pool of 3, within the services account'],
  ['import', "route.pick, pool of 3, through the org account's import"],
] as const;

export async function tenancyScenario(ctx: BenchContext): Promise<Record<string, SeriesSummary>> {
  const auth = await StackAuth.open();
  const nats = await startNatsServer({
    dataDir: join(ctx.servers.dir, 'tenancy-nats'),
    extraConfig: auth.serverConfig(),
  });
  const processes: ServiceProcess[] = [];
  let echo: Awaited<ReturnType<typeof startEcho>> | undefined;
  try {
    await auth.pushTo(nats.url);
    const servicesCreds = await auth.servicesUser('services');
    const harnessCreds = await auth.servicesUser('bench-harness');
    const nc = await connect({
      servers: nats.url,
      name: 'bench-tenancy',
      authenticator: readNatsCreds(harnessCreds).authenticator,
    });
    const databaseUrl = await ctx.servers.createDatabase('tenancy');
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: '',
      NATS_URL: nats.url,
      NATS_CREDS: servicesCreds,
      EVENT_STORE_URL: databaseUrl,
      READ_MODEL_URL: databaseUrl,
      HEARTBEAT_TTL: '1h',
      ENTITLEMENTS: 'open',
    };
    for (const name of SERVICES) {
      const service = new ServiceProcess(name, { env }).start();
      processes.push(service);
      // The projector creates the schema; the others start after it.
      if (name === 'projector') await waitForService(nc, service, { timeoutMs: 120_000 });
    }
    for (const service of processes) await waitForService(nc, service, { timeoutMs: 120_000 });

    const ask = async <T>(subject: string, body: unknown): Promise<T> => {
      const reply = (await nc.request(subject, JSON.stringify(body), { timeout: 10_000 })).json<
        T & { error?: unknown }
      >();
      if (reply.error) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
      return reply;
    };
    await ask('gwpool.v1.admin.org.account.set', { org: ORG, accountPublicKey: await auth.createOrg(ORG) });
    const members = ['gw-1', 'gw-2', 'gw-3'];
    for (const gatewayId of members) await ask(`gwpool.v1.${ORG}.cmd.gateway.register`, { gatewayId });
    const { poolId } = await ask<{ poolId: string }>(`gwpool.v1.${ORG}.cmd.pool.create`, { name: 'edge' });
    for (const gatewayId of members) await ask(`gwpool.v1.${ORG}.cmd.pool.member.add`, { poolId, gatewayId });
    const pick: RequestItem = { subject: `gwpool.v1.${ORG}.query.route.pick`, body: { poolId } };
    for (let i = 0; ; i += 1) {
      for (const gatewayId of members) nc.publish(`gwpool.v1.${ORG}.heartbeat.${gatewayId}`, '{"check":"passed"}');
      const reply = (await nc.request(pick.subject, JSON.stringify(pick.body), { timeout: 5000 })).json<object>();
      if ('gatewayId' in reply) break;
      if (i > 100) throw new Error(`the pool never became healthy: ${JSON.stringify(reply)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const router = (await auth.user(ORG, 'bench-router', 'router')).credsPath;
    echo = await startEcho(nats.url, harnessCreds);
    await nc.close();

    const sources = {
      echo: { items: echoOf([pick]), creds: harnessCreds },
      within: { items: [pick], creds: harnessCreds },
      import: { items: [pick], creds: router },
    };
    const modes = [
      { key: 'seq', label: 'sequential', concurrency: 1 },
      { key: 'c64', label: '64 in flight', concurrency: 64 },
    ];
    const series = new Map<string, Series>();
    for (let run = 1; run <= ctx.sizes.runs.routing; run += 1) {
      for (const m of modes) {
        for (const [key] of TARGETS) {
          const name = `${key}.${m.key}`;
          const result = await requestRun(nats.url, {
            name: `tenancy ${name}`,
            source: { kind: 'list', items: sources[key].items },
            concurrency: m.concurrency,
            warmupMs: ctx.sizes.warmupMs,
            durationMs: ctx.sizes.durationMs,
            credsPath: sources[key].creds,
          });
          if (!series.has(name)) series.set(name, new Series(name));
          series.get(name)?.add(result);
          console.log(`  run ${run} ${m.label.padEnd(12)} ${key.padEnd(7)} ${Math.round(result.throughput)} req/s`);
        }
      }
    }
    const summaries = Object.fromEntries([...series].map(([key, s]) => [key, s.summary]));
    for (const m of modes) {
      const yardstick = summaries[`echo.${m.key}`];
      for (const [key, label] of TARGETS.slice(1)) {
        const s = summaries[`${key}.${m.key}`];
        if (!s || !yardstick) continue;
        const figure = `${label}, ${m.label}`;
        const base = { scenario: '7 tenancy', runs: s.runs };
        ctx.figure({ ...base, figure: `${figure}: p50`, value: s.p50, unit: 'ms', yardstick: yardstick.p50 });
        ctx.figure({ ...base, figure: `${figure}: p99`, value: s.p99, unit: 'ms', yardstick: yardstick.p99 });
        ctx.figure({
          ...base,
          figure: `${figure}: throughput`,
          value: s.throughput,
          unit: 'req/s',
          yardstick: yardstick.throughput,
        });
        if (s.errors + s.failures > 0) {
          ctx.figure({ ...base, figure: `${figure}: errors`, value: s.errors + s.failures, target: { atMost: 0 } });
        }
      }
    }
    ctx.details['tenancy'] = summaries;
    return summaries;
  } finally {
    await echo?.stop().catch(() => undefined);
    await Promise.allSettled(processes.map((p) => p.stop('SIGTERM', 15_000)));
    await nats.stop();
    await auth.close();
  }
}
