// The yardstick: a raw NATS responder with nothing but @nats-io/transport-node, echoing each request's payload.
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { serve } from './ipc.js';
import type { EchoConfig } from './protocol.js';

serve(async (config: EchoConfig, io) => {
  const nc = await connect({
    servers: config.natsUrl,
    name: 'echo-yardstick',
    ...(config.credsPath ? { authenticator: credsAuthenticator(readFileSync(config.credsPath)) } : {}),
  });
  const sub = nc.subscribe(config.subject, {
    callback: (_error, msg) => {
      msg.respond(msg.data);
    },
  });
  await nc.flush();
  io.ready();
  // Runs until the parent stops it.
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  sub.unsubscribe();
  await nc.close();
  return {};
});
