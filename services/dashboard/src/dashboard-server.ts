import { isToken } from '@gwpool/domain';
import type { NatsConnection } from '@nats-io/transport-node';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FeedMessage, OrgFeed } from './org-feed.js';
import type { OrgReader } from './org-snapshot.js';
import { indexPage, orgPage } from './page.js';

/** Browsers watching at once, over every org: a bound on what one careless or hostile client can hold open. */
const MAX_WATCHERS = 200;
const KEEPALIVE_MS = 15_000;
const ORG_PATH = /^\/orgs\/([^/]+)(\/events)?\/?$/;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The dashboard over HTTP: `/orgs/{org}` is the org's page, `/orgs/{org}/events` its server-sent events (a snapshot
 * whenever the org's health stream says a pool changed, and every two seconds). It only reads the public NATS API.
 */
export class DashboardServer {
  private readonly feeds = new Map<string, OrgFeed>();
  private readonly server: Server;
  private watchers = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly reader: OrgReader,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shown}:${address.port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.plain(res, 405, 'only GET\n');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/') return this.html(res, indexPage());
    const match = ORG_PATH.exec(path);
    let org: string | undefined;
    try {
      org = match ? decodeURIComponent(match[1] ?? '') : undefined;
    } catch {
      org = undefined;
    }
    if (!match || !isToken(org)) return this.plain(res, 404, 'not found: open /orgs/{org}\n');
    if (match[2]) return this.events(req, res, org);
    return this.html(res, orgPage(org));
  }

  private events(req: IncomingMessage, res: ServerResponse, org: string): void {
    if (this.watchers >= MAX_WATCHERS) return this.plain(res, 503, 'too many dashboards open\n');
    this.watchers += 1;
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    let feed = this.feeds.get(org);
    if (!feed) this.feeds.set(org, (feed = new OrgFeed(org, this.nc, this.reader)));
    const send = (message: FeedMessage) => {
      const [event, data] =
        message.kind === 'snapshot' ? ['snapshot', message.snapshot] : ['failure', { message: message.message }];
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    feed.add(send);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    req.once('close', () => {
      clearInterval(keepalive);
      this.watchers -= 1;
      if (feed.remove(send)) this.feeds.delete(org);
    });
  }

  private html(res: ServerResponse, body: string): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  }

  private plain(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
