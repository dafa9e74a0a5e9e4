import { jest } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { isPortFree } from './ports.js';
import { startNatsServer } from './nats-server.js';

jest.setTimeout(60_000);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The status line a websocket upgrade request over plain TCP gets. */
function upgradeStatus(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolveStatus, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) }, () => {
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${hostname}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    socket.once('data', (chunk) => {
      resolveStatus(chunk.toString().split('\r\n')[0] ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const varz = async (monitorUrl: string) =>
  (await (await fetch(`${monitorUrl}/varz`)).json()) as { max_payload: number; jetstream?: { config?: unknown } };

describe('the nats-server launcher', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-launcher-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a plain server on free loopback ports and stops it cleanly', async () => {
    const server = await startNatsServer({ dataDir: dir });
    const port = Number(new URL(server.url).port);
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const nc = await connect({ servers: server.url });
    expect(nc.info?.jetstream ?? false).toBe(false);
    await nc.close();
    await server.stop();
    expect(alive(server.pid)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  it('adds JetStream, a websocket listener without TLS and extra config when asked', async () => {
    const server = await startNatsServer({
      dataDir: dir,
      jetstream: true,
      websocket: true,
      extraConfig: 'max_payload: 65536',
    });
    try {
      const nc = await connect({ servers: server.url });
      expect(nc.info?.jetstream).toBe(true);
      expect(nc.info?.max_payload).toBe(65536);
      await nc.close();
      expect((await varz(server.monitorUrl)).jetstream?.config).toBeDefined();
      // A websocket upgrade over plain HTTP is accepted: no TLS on loopback.
      expect(server.websocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(await upgradeStatus(server.websocketUrl ?? '')).toMatch(/^HTTP\/1\.1 101/);
    } finally {
      await server.stop();
    }
  });

  it('names the log and the cause when the server cannot start', async () => {
    const first = await startNatsServer({ dataDir: join(dir, 'a') });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startNatsServer({ dataDir: join(dir, 'b'), port })).rejects.toThrow(/address already in use/);
    } finally {
      await first.stop();
    }
  });
});
