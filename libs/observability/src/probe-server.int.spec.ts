import { Registry, Counter } from 'prom-client';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ProbeServer } from './probe-server.js';
import { Readiness } from './readiness.js';

describe('the probe server over HTTP on loopback', () => {
  const registry = new Registry();
  const counter = new Counter({ name: 'probe_test_total', help: 'a test counter', registers: [registry] });
  const readiness = new Readiness();
  let why: string | undefined = 'catalog: catching up, 12 events (3.0 s) behind the log';
  readiness.add('catalog', () => why);
  let server: ProbeServer;
  let base: string;

  beforeAll(async () => {
    server = await ProbeServer.start({ host: '127.0.0.1', port: 0, readiness, registry });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves /metrics in the Prometheus text format', async () => {
    counter.inc(3);
    const res = await fetch(`${base}/metrics`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    expect(families.find((f) => f.name === 'probe_test_total')?.metrics[0]?.value).toBe('3');
  });

  it('answers /healthz whatever the readiness', async () => {
    const res = await fetch(`${base}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'alive' });
  });

  it('answers /readyz with 503 and the reasons, then 200 once ready', async () => {
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      ready: false,
      reasons: ['catalog: catching up, 12 events (3.0 s) behind the log'],
      checks: { catalog: 'catalog: catching up, 12 events (3.0 s) behind the log' },
    });

    why = undefined;
    const ready = await fetch(`${base}/readyz?verbose=1`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { catalog: 'ok' } });
  });

  it('refuses other paths and methods plainly', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
