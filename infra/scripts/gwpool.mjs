#!/usr/bin/env node
// A small operator tool over the public NATS API: plain JSON in, plain JSON out.
import { connect, headers } from '@nats-io/transport-node';

const usage = `usage:
  gwpool.mjs request <subject> [json]     send a request, print the reply
  gwpool.mjs watch <subject>              print messages on a subject (wildcards allowed), Ctrl-C to stop
  gwpool.mjs pools <org>                  list an org's pools with health
  gwpool.mjs pick <org> <poolId>          pick a healthy gateway of a pool
environment: NATS_URL (default nats://127.0.0.1:4222), GWPOOL_ACTOR (sent as Gwpool-Actor)`;

const [verb, ...args] = process.argv.slice(2);
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'gwpool-cli' });

async function request(subject, body) {
  const h = headers();
  if (process.env.GWPOOL_ACTOR) h.set('Gwpool-Actor', process.env.GWPOOL_ACTOR);
  const msg = await nc.request(subject, body ?? '{}', { timeout: 5000, headers: h });
  const reply = msg.json();
  console.log(JSON.stringify(reply, null, 2));
  return reply.error ? 1 : 0;
}

let code = 0;
switch (verb) {
  case 'request':
    if (!args[0]) (console.error(usage), (code = 2));
    else code = await request(args[0], args[1]);
    break;
  case 'pools':
    code = await request(`gwpool.v1.${args[0]}.query.pool.list`, '{}');
    break;
  case 'pick':
    code = await request(`gwpool.v1.${args[0]}.query.route.pick`, JSON.stringify({ poolId: args[1] }));
    break;
  case 'watch': {
    const sub = nc.subscribe(args[0] ?? 'gwpool.v1.*.health.*');
    process.once('SIGINT', () => sub.unsubscribe());
    for await (const msg of sub) console.log(`${msg.subject} ${msg.string()}`);
    break;
  }
  default:
    console.error(usage);
    code = 2;
}
await nc.close();
process.exit(code);
