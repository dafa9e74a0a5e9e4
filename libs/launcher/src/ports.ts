import { createServer } from 'node:net';

/** A loopback TCP port nobody listens on right now (racy: bind it soon, and retry on EADDRINUSE). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** The well-known port when it is free, else any free one (so a second stack does not collide with the first). */
export async function preferredPort(port: number): Promise<number> {
  return (await isPortFree(port)) ? port : freePort();
}

/** Whether a start failed only because another process took a port between freePort() and the bind. */
export const lostPortRace = (error: unknown): boolean => /address already in use/i.test(String(error));
