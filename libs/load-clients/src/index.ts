import { fileURLToPath } from 'node:url';
import { type LoadClient, startClient } from './child.js';
import type { EchoConfig } from './clients/protocol.js';

export * from './child.js';
export * from './clients/ipc.js';
export * from './clients/protocol.js';

/** A load client's script in the build, to hand to startClient. */
const client = (name: string): string => fileURLToPath(new URL(`./clients/${name}.js`, import.meta.url));

/** Request/reply load: `concurrency` requests in flight, or a paced rate (RequestLoadConfig). */
export const REQUEST_LOAD = client('request-load');
/** Simulated gateways publishing heartbeats at a rate (HeartbeatLoadConfig). */
export const HEARTBEAT_LOAD = client('heartbeat-load');
/** The yardstick: a raw NATS responder echoing each request's payload, until stopped (EchoConfig). */
export const ECHO_RESPONDER = client('echo-responder');

/** Starts the echo responder in a process of its own; resolves once it answers. Stop it with `stop()`. */
export async function startEcho(config: EchoConfig): Promise<LoadClient<unknown>> {
  const echo = startClient(ECHO_RESPONDER, config, { name: 'echo responder' });
  await echo.ready;
  return echo;
}
