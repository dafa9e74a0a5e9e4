import { loadSettings, type Settings } from '@gwpool/config';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CustomStrategy } from '@nestjs/microservices';
import { NatsServiceServer } from './nats-service.server.js';
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
 * `queue` puts every handler in one queue group so instances share the load.
 */
export async function startMicroservice(
  module: object,
  options: { name: string; description?: string; queue?: string; settings?: Settings },
): Promise<{ close(): Promise<void> }> {
  const settings = options.settings ?? loadSettings();
  const strategy: CustomStrategy = {
    strategy: new NatsServiceServer(
      {
        servers: settings.natsUrl.split(','),
        name: options.name,
        queue: options.queue,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        serializer: new PlainJsonSerializer(),
        deserializer: new PlainJsonDeserializer(),
      },
      {
        name: options.name,
        version: packageVersion(),
        ...(options.description ? { description: options.description } : {}),
        metadata: { pid: String(process.pid) },
      },
    ),
  };
  const app = await NestFactory.createMicroservice(module as never, { ...strategy, logger: logLevels() });
  app.useGlobalFilters(new WireExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
  new Logger(options.name).log(`listening on ${settings.natsUrl}`);
  return app;
}
