import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { currentLogScope } from './log-scope.js';

export type LogFormat = 'text' | 'json';
export type LogThreshold = 'debug' | 'info' | 'warn' | 'error';

const STACK = /^.+\n\s+at .+/s;
const MAX_MESSAGE = 8_192;

/** Nest's levels for its own human-readable logger (the default). */
export function nestLogLevels(threshold: LogThreshold): LogLevel[] {
  const all: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];
  const from = { error: 2, warn: 3, info: 4, debug: 5 }[threshold];
  return all.slice(0, from);
}

function text(message: unknown): { message: string; stack?: string } {
  if (message instanceof Error) return { message: message.message, stack: message.stack };
  if (typeof message === 'string') return { message: message.slice(0, MAX_MESSAGE) };
  try {
    return { message: (JSON.stringify(message) ?? String(message)).slice(0, MAX_MESSAGE) };
  } catch {
    return { message: String(message) };
  }
}

/**
 * Nest's LoggerService on pino: one JSON object per line with level, time, service, context and message, plus the org,
 * correlation id and traceparent of the request or event in scope (AsyncLocalStorage). Nest passes the context as
 * the last string argument and a stack before it, as its own ConsoleLogger reads them.
 */
export class PinoLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  static create(service: string, threshold: LogThreshold, destination?: DestinationStream): PinoLogger {
    const logger = pino(
      {
        level: threshold,
        base: { service },
        messageKey: 'message',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const scope = currentLogScope();
          if (!scope) return {};
          const fields: Record<string, string> = {};
          if (scope.org) fields['org'] = scope.org;
          if (scope.correlationId) fields['correlationId'] = scope.correlationId;
          if (scope.traceparent) fields['traceparent'] = scope.traceparent;
          return fields;
        },
      },
      destination ?? pino.destination({ dest: 1, sync: true }),
    );
    return new PinoLogger(logger);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' && rest.length > 0 ? (rest.pop() as string) : undefined;
    const { message: line, stack: errorStack } = text(message);
    const stack = rest.find((p): p is string => typeof p === 'string' && STACK.test(p)) ?? errorStack;
    const fields: Record<string, unknown> = {};
    if (context) fields['context'] = context;
    if (stack && level !== 'info' && level !== 'debug') fields['stack'] = stack;
    this.pino[level](fields, line);
  }
}
