import { loadSettings, type Settings } from '@gwpool/config';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy } from '@nestjs/microservices';
import { CachedRouteServerNats } from './cached-route.server.js';
import { PlainJsonDeserializer } from './plain-json.deserializer.js';
import { PlainJsonSerializer } from './plain-json.serializer.js';
import { WireExceptionFilter } from './wire-exception.filter.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const SETTINGS = Symbol('SETTINGS');

/** Reconnects forever: a control plane outlives NATS restarts. */
export const connectNats = (url: string, name: string): Promise<NatsConnection> =>
  connect({ servers: url.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });

const logLevels = (): LogLevel[] =>
  process.env['LOG_LEVEL'] === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn', 'log'];

/**
 * Starts a Nest microservice on the NATS transport with plain-JSON framing and wire errors.
 * `queue` puts every handler in one queue group so instances share the load.
 */
export async function startMicroservice(
  module: object,
  options: { name: string; queue?: string; settings?: Settings },
): Promise<{ close(): Promise<void> }> {
  const settings = options.settings ?? loadSettings();
  const strategy: CustomStrategy = {
    strategy: new CachedRouteServerNats({
      servers: settings.natsUrl.split(','),
      name: options.name,
      queue: options.queue,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      serializer: new PlainJsonSerializer(),
      deserializer: new PlainJsonDeserializer(),
    }),
  };
  const app = await NestFactory.createMicroservice(module as never, { ...strategy, logger: logLevels() });
  app.useGlobalFilters(new WireExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
  new Logger(options.name).log(`listening on ${settings.natsUrl}`);
  return app;
}
