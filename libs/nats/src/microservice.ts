import { loadSettings, type Settings } from '@gwpool/config';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type CustomStrategy, ServerNats } from '@nestjs/microservices';
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

const MAX_CACHED_ROUTES = 1_000;

/**
 * ServerNats resolves every message's handler by first trying JSON.parse on the subscription's subject,
 * which throws for a plain subject: a fresh exception per message was the largest cost on the route.pick path.
 * Subscription patterns are few and fixed, so each is resolved once.
 */
export class CachedRouteServerNats extends ServerNats {
  private readonly routes = new Map<string, string>();

  protected override getRouteFromPattern(pattern: string): string {
    let route = this.routes.get(pattern);
    if (route === undefined) {
      route = super.getRouteFromPattern(pattern);
      if (this.routes.size < MAX_CACHED_ROUTES) this.routes.set(pattern, route);
    }
    return route;
  }
}

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
