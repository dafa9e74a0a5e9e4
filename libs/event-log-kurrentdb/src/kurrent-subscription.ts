import { EventLogUnavailableError, type EventSubscription, type RecordedEvent } from '@gwpool/event-log';
import type { AllStreamResolvedEvent, AllStreamSubscription, Position } from '@kurrent/kurrentdb-client';
import { comparePositions, isSystemEvent, toRecordedEvent, translateError } from './mapping.js';

/**
 * A catch-up subscription to $all: skips the server's own events and anything at or before `after`,
 * ends quietly on close(), and reports a lost connection as EventLogUnavailableError.
 */
export class KurrentSubscription implements EventSubscription {
  private closed = false;
  private iterating = false;
  /** The client emits errors as plain events: one raised before iteration starts would otherwise be lost. */
  private failure: Error | undefined;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly after: Position | undefined,
    private readonly onClose: (subscription: KurrentSubscription) => void,
  ) {
    // Also keeps an 'error' with no listener from being thrown as an uncaught exception.
    source.on('error', (error) => {
      this.failure ??= error;
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterating) throw new Error('a subscription can be iterated only once');
    this.iterating = true;
    try {
      yield* this.events();
    } catch (error) {
      if (!this.closed) throw translateError(error);
    } finally {
      // A consumer that stops early must not leave the gRPC call open.
      await this.close();
    }
  }

  private async *events(): AsyncGenerator<RecordedEvent> {
    if (this.failure !== undefined) throw this.failure;
    for await (const resolved of this.source as AsyncIterable<AllStreamResolvedEvent>) {
      if (this.closed) return;
      const event = resolved.event;
      if (!event || isSystemEvent(event)) continue;
      // The server starts after `after` already; this guard keeps that promise whatever the server version.
      if (this.after && comparePositions(event.position, this.after) <= 0) continue;
      yield toRecordedEvent(event);
    }
    // Only close() ends a subscription cleanly: the server ending it means it went away.
    if (!this.closed) throw new EventLogUnavailableError('KurrentDB ended the subscription');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    // Fails when the call never started (server unreachable); there is nothing to cancel then.
    await this.source.unsubscribe().catch(() => undefined);
    // Wakes an iterator waiting for the next event even if the cancelled call never reports its end.
    this.source.destroy();
  }
}
