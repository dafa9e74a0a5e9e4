import { Registry } from 'prom-client';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { RequestMetrics } from './request-metrics.js';

describe('request metrics', () => {
  it('count requests by subject pattern and outcome code, with their latency', async () => {
    const registry = new Registry();
    const metrics = new RequestMetrics(registry);
    const pick = metrics.endpoint('gwpool.v1.*.query.route.pick');

    pick('OK', 0.0004);
    pick('OK', 0.002);
    pick('NO_HEALTHY_GATEWAY', 0.001);
    pick('SOMETHING_NEW', 0.001);

    const families = parsePrometheusTextFormat(await registry.metrics());
    const requests = families.find((f) => f.name === 'gwpool_requests_total')?.metrics ?? [];
    const count = (code: string) =>
      requests.find((m) => m.labels?.['code'] === code && m.labels['subject'] === 'gwpool.v1.*.query.route.pick')
        ?.value;
    expect([count('OK'), count('NO_HEALTHY_GATEWAY'), count('INTERNAL')]).toEqual(['2', '1', '1']);
    // The text parser folds a labelled histogram into one sample, so the histogram is read from prom-client itself.
    const latency = await registry.getSingleMetric('gwpool_request_duration_seconds')?.get();
    const okSeries = (latency?.values ?? []).filter((v) => v.labels['code'] === 'OK');
    const bucket = (le: number) => okSeries.find((v) => v.labels['le'] === le)?.value;
    expect(
      okSeries.find((v) => (v as { metricName?: string }).metricName === 'gwpool_request_duration_seconds_count')
        ?.value,
    ).toBe(2);
    expect([bucket(0.0005), bucket(0.0025)]).toEqual([1, 2]);
  });

  it('show an endpoint at zero before its first request', async () => {
    const registry = new Registry();
    new RequestMetrics(registry).endpoint('gwpool.v1.*.query.pool.get');

    expect(await registry.metrics()).toContain(
      'gwpool_requests_total{subject="gwpool.v1.*.query.pool.get",code="OK"} 0',
    );
  });
});
