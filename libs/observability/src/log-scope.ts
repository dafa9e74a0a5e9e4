import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line carries about the request or event that caused it. */
export interface LogScope {
  org?: string;
  correlationId?: string;
  /** W3C trace context, as received and validated. */
  traceparent?: string;
}

const storage = new AsyncLocalStorage<LogScope>();

/** Runs `work` with `scope` in effect for every log line it writes, however deep and however asynchronous. */
export const runInLogScope = <T>(scope: LogScope, work: () => T): T => storage.run(scope, work);

/** The scope in effect, if any (set at the NATS edge for requests, by followers for the events they apply). */
export const currentLogScope = (): LogScope | undefined => storage.getStore();
