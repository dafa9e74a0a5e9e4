import { loadSettings, type Settings } from '@gwpool/config';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Observability } from '@gwpool/observability';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CustomStrategy } from '@nestjs/microservices';
import { type DirectEndpoint, NatsServiceServer, type RawEndpoint } from './nats-service.server.js';
import { PlainJsonDeserializer } from './plain-json.deserializer.js';
import { PlainJsonSerializer } from './plain-json.serializer.js';
import { TransportTenancy } from './transport-tenancy.js';
import { WireExceptionFilter } from './wire-exception.filter.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const SETTINGS = Symbol('SETTINGS');

/** Reconnects forever: a control plane outlives NATS restarts. With `NATS_CREDS`, connects with that credential. */
export const connectNats = (settings: Pick<Settings, 'natsUrl' | 'natsCreds'>, name: string): Promise<NatsConnection> =>
  connect({
    servers: settings.natsUrl.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    authenticator: TransportTenancy.of(settings).authenticator,
  });

/** Shows a URL without its user and password: NATS_URL may carry credentials. */
export function withoutCredentials(urls: string): string {
  return urls
    .split(',')
    .map((url) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1'))
    .join(',');
}

/** The version of the nearest package.json above this file that has one: the repository's, also in dist/ and images. */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return version;
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

/**
 * Starts a Nest microservice on the NATS transport with plain-JSON framing and wire errors, registered as the NATS
 * micro-service `name` (`$SRV.PING.{name}`, with this process's pid in its metadata). Call it once the service can
 * answer: the probes take the registration as readiness.
 * `queue` puts every handler in one queue group so instances share the load. With `observability`, Nest logs through
 * its logger, each endpoint's requests are counted in its metrics, the endpoints' NATS connection is part of its
 * readiness, and `$SRV` metadata names the metrics port. `rawEndpoints` are served without Nest (see RawEndpoint),
 * on the same connection and in the same service; so are the `directEndpoints` the application's providers give (see
 * DirectEndpoint).
 * `onConnect` gets the server's own connection, the one its requests arrive and its replies leave on, before any
 * endpoint subscribes: a message published on it goes out before the replies that follow, and a subscription made on
 * it sees what was published before a request it delivers (NATS keeps each connection's order).
 */
export async function startMicroservice(
  module: object,
  options: {
    name: string;
    description?: string;
    queue?: string;
    settings?: Settings;
    observability?: Observability;
    rawEndpoints?: readonly RawEndpoint[];
    directEndpoints?: (app: INestApplicationContext) => readonly DirectEndpoint[];
    onConnect?: (nc: NatsConnection) => void;
  },
): Promise<{ close(): Promise<void> }> {
  const settings = options.settings ?? loadSettings();
  const observability = options.observability;
  const metricsPort = observability?.metricsPort;
  const requests = observability?.requests;
  const tenancy = TransportTenancy.of(settings);
  const server = new NatsServiceServer(
    {
      servers: settings.natsUrl.split(','),
      name: options.name,
      queue: options.queue,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...(tenancy.authenticator ? { authenticator: tenancy.authenticator } : {}),
      serializer: new PlainJsonSerializer(),
      deserializer: new PlainJsonDeserializer(),
    },
    {
      name: options.name,
      version: packageVersion(),
      ...(options.description ? { description: options.description } : {}),
      metadata: {
        pid: String(process.pid),
        ...(metricsPort === undefined ? {} : { metrics_port: String(metricsPort) }),
      },
    },
    requests && ((subject) => requests.endpoint(subject)),
    options.rawEndpoints,
    options.onConnect,
  );
  const strategy: CustomStrategy = { strategy: server };
  const logger = observability?.logger ?? ['fatal', 'error', 'warn', 'log'];
  const app = await NestFactory.createMicroservice(module as never, { ...strategy, logger });
  app.useGlobalFilters(new WireExceptionFilter());
  app.enableShutdownHooks();
  if (options.directEndpoints) server.serveDirectly(options.directEndpoints(app));
  await app.listen();
  tenancy.warnIfOpen(server.connection, options.name);
  observability?.nats('nats', server.connection);
  observability?.markServing();
  new Logger(options.name).log(`listening on ${withoutCredentials(settings.natsUrl)}`);
  return app;
}
