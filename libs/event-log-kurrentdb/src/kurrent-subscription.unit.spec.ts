import { PassThrough } from 'node:stream';
import { EventLogUnavailableError, type RecordedEvent } from '@gwpool/event-log';
import { type AllStreamResolvedEvent, type AllStreamSubscription, UnavailableError } from '@kurrent/kurrentdb-client';
import { KurrentSubscription } from './kurrent-subscription.js';

/** Stands in for the client's subscription stream; `endOnUnsubscribe: false` plays a cancel that never reports back. */
function fakeSource({ endOnUnsubscribe = true } = {}) {
  const stream = new PassThrough({ objectMode: true });
  const source = Object.assign(stream, {
    unsubscribed: false,
    async unsubscribe() {
      source.unsubscribed = true;
      if (endOnUnsubscribe) stream.end();
    },
  });
  return source;
}

const asSubscription = (source: ReturnType<typeof fakeSource>) => source as unknown as AllStreamSubscription;

let commit = 100n;
function resolved(streamId: string, type = 'Counted', position = { commit: (commit += 10n), prepare: commit }) {
  const event = {
    streamId,
    id: `${streamId}@${position.commit}`,
    isJson: true,
    revision: 0n,
    type,
    created: new Date(0),
    data: {},
    metadata: { correlationId: 'c', causationId: 'c', occurredAt: '1970-01-01T00:00:00.000Z' },
    position,
  };
  return { event } as unknown as AllStreamResolvedEvent;
}

async function drain(subscription: KurrentSubscription, until = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  for await (const event of subscription) {
    seen.push(event);
    if (seen.length >= until) break;
  }
  return seen;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('KurrentSubscription', () => {
  it('skips system events and anything at or before the resume position', async () => {
    const source = fakeSource();
    const after = { commit: 500n, prepare: 500n };
    const subscription = new KurrentSubscription(asSubscription(source), after, () => undefined);
    source.write(resolved('pool-1', 'Counted', { commit: 500n, prepare: 500n }));
    source.write(resolved('$stats-node', '$statsCollected', { commit: 510n, prepare: 510n }));
    source.write(resolved('$$pool-1', '$metadata', { commit: 520n, prepare: 520n }));
    source.write(resolved('pool-1', 'Counted', { commit: 530n, prepare: 530n }));

    const seen = await drain(subscription, 1);

    expect(seen.map((e) => e.position)).toEqual(['530/530']);
  });

  it('ends iteration cleanly when closed while waiting for events', async () => {
    const source = fakeSource();
    let forgotten = false;
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => (forgotten = true));
    const iterating = drain(subscription);

    await tick();
    await subscription.close();

    await expect(iterating).resolves.toEqual([]);
    expect(source.unsubscribed).toBe(true);
    expect(forgotten).toBe(true);
  });

  it('ends on close even when the cancelled call never reports its end', async () => {
    const source = fakeSource({ endOnUnsubscribe: false });
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => undefined);
    const iterating = drain(subscription);

    await tick();
    await subscription.close();

    await expect(iterating).resolves.toEqual([]);
  });

  it('cancels the server call when the consumer stops early', async () => {
    const source = fakeSource();
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => undefined);
    source.write(resolved('pool-1'));
    source.write(resolved('pool-1'));

    await expect(drain(subscription, 1)).resolves.toHaveLength(1);
    expect(source.unsubscribed).toBe(true);
  });

  it('reports a connection lost mid-stream as EventLogUnavailableError', async () => {
    const source = fakeSource();
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => undefined);
    source.write(resolved('pool-1'));
    const iterating = drain(subscription);

    await tick();
    source.emit('error', new UnavailableError());

    await expect(iterating).rejects.toBeInstanceOf(EventLogUnavailableError);
    expect(source.unsubscribed).toBe(true);
  });

  it('reports an error raised before iteration started', async () => {
    const source = fakeSource();
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => undefined);

    source.emit('error', new UnavailableError());
    await tick();

    await expect(drain(subscription)).rejects.toBeInstanceOf(EventLogUnavailableError);
  });

  it('treats the server ending the subscription as the log becoming unavailable', async () => {
    const source = fakeSource();
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => undefined);
    source.end(resolved('pool-1'));

    await expect(drain(subscription)).rejects.toBeInstanceOf(EventLogUnavailableError);
  });

  it('passes errors that are not about availability through', async () => {
    const source = fakeSource();
    const subscription = new KurrentSubscription(asSubscription(source), undefined, () => undefined);
    const bug = new TypeError('bad event');

    source.emit('error', bug);

    await expect(drain(subscription)).rejects.toBe(bug);
  });
});
