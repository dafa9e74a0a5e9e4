import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line carries about the request or event that caused it. */
export interface LogScope {
  org?: string;
  correlationId?: string;
  /** W3C trace context, as received and validated. */
  traceparent?: string;
}

const storage = new AsyncLocalStorage<LogScope>();
let enabled = false;

/**
 * Turns scopes on; until then runInLogScope just runs its work. On Node.js 20 the first AsyncLocalStorage.run turns
 * on promise hooks for the whole process, a cost on every request; only JSON logs print the scope, so only they pay.
 */
export function enableLogScope(): void {
  enabled = true;
}

export const isLogScopeEnabled = (): boolean => enabled;

/** Runs `work` with `scope` in effect for every log line it writes, however deep and however asynchronous. */
export const runInLogScope = <T>(scope: LogScope, work: () => T): T => (enabled ? storage.run(scope, work) : work());

/** The scope in effect, if any (set at the NATS edge for requests, by followers for the events they apply). */
export const currentLogScope = (): LogScope | undefined => storage.getStore();
