import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
};

/**
 * The service's HTTP port: `/metrics` (Prometheus text format), `/healthz` (liveness: answering at all proves the
 * process and its event loop are alive) and `/readyz` (readiness, 200 or 503 with a short JSON body saying why).
 * Plain node:http: three GET routes need no framework.
 */
export class ProbeServer {
  private constructor(private readonly server: Server) {}

  static async start(options: {
    host: string;
    port: number;
    readiness: Readiness;
    registry?: Registry;
  }): Promise<ProbeServer> {
    const server = createServer((req, res) => void handle(req, res, options));
    // A probe that stalls must not hold a socket for long.
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    return new ProbeServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  { readiness, registry }: { readiness: Readiness; registry?: Registry },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return void res.end();
  }
  const path = (req.url ?? '/').split('?', 1)[0];
  try {
    if (path === '/healthz') return json(res, 200, { status: 'alive' });
    if (path === '/readyz') {
      const state = readiness.state();
      return json(res, state.ready ? 200 : 503, state);
    }
    if (path === '/metrics' && registry) {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      return void res.end(body);
    }
    json(res, 404, { error: 'not found: try /metrics, /healthz or /readyz' });
  } catch (error) {
    json(res, 500, { error: `could not answer: ${error instanceof Error ? error.message : String(error)}` });
  }
}
