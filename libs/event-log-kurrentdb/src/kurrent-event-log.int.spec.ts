import { createServer } from 'node:net';
import { EventLogUnavailableError } from '@gwpool/event-log';
import { KurrentDBClient, START } from '@kurrent/kurrentdb-client';
import { describeEventLogContract } from '@gwpool/event-log/testing';
import { KurrentEventLog } from './index.js';
import { KurrentSubscription } from './kurrent-subscription.js';

// KurrentDB runs only where EVENT_STORE_URL points at one; see README.md.
const url = process.env.EVENT_STORE_URL ?? '';

if (/^(esdb|kurrentdb|kurrent)(\+discover)?:\/\//i.test(url)) {
  describeEventLogContract('KurrentDB', () => KurrentEventLog.open({ url }));
} else {
  describe('KurrentDB event log without a KurrentDB server', () => {
    it('loads and exports KurrentEventLog', async () => {
      const adapter = await import('./index.js');

      expect(typeof adapter.KurrentEventLog.open).toBe('function');
    });
  });
}

/** A local port nobody listens on: the OS picks a free one, then we let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was bound');
  return address.port;
}

describe('KurrentDB event log connection', () => {
  it.each(['kurrentdb', 'esdb+discover'])(
    'reports an unreachable %s server as EventLogUnavailableError within seconds',
    async (scheme) => {
      const unreachable = `${scheme}://127.0.0.1:${await closedPort()}?tls=false`;
      const started = Date.now();

      await expect(KurrentEventLog.open({ url: unreachable, openTimeoutMs: 4_000 })).rejects.toBeInstanceOf(
        EventLogUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    },
    10_000,
  );

  it('gives up at open after openTimeoutMs when the server does not answer', async () => {
    const unreachable = `kurrentdb://127.0.0.1:${await closedPort()}?tls=false`;

    await expect(KurrentEventLog.open({ url: unreachable, openTimeoutMs: 1 })).rejects.toThrow(
      new EventLogUnavailableError('KurrentDB did not answer within 1 ms'),
    );
  });

  it('refuses a URL that is not a KurrentDB one before connecting', async () => {
    await expect(KurrentEventLog.open({ url: 'postgres://127.0.0.1/gwpool' })).rejects.toThrow(RangeError);
  });

  // open() refuses a dead server, so the client is driven directly to see how its subscription fails.
  it.each([0, 300])(
    'reports a subscription that cannot reach the server from its iterator, iterated after %i ms',
    async (delayMs) => {
      const client = KurrentDBClient.connectionString(`kurrentdb://127.0.0.1:${await closedPort()}?tls=false`);
      const subscription = new KurrentSubscription(client.subscribeToAll({ fromPosition: START }), undefined, () => {});
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const iterating = (async () => {
          for await (const _ of subscription) throw new Error('no event can arrive from a dead server');
        })();

        await expect(iterating).rejects.toBeInstanceOf(EventLogUnavailableError);
      } finally {
        await subscription.close();
        await client.dispose();
      }
    },
    10_000,
  );
});
