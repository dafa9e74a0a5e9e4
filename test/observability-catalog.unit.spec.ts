import {
  AlertMetrics,
  CommandMetrics,
  HeartbeatMetrics,
  Readiness,
  registerFollowerMetrics,
  registerPoolGauges,
  RequestMetrics,
  RoutingMetrics,
} from '@gwpool/observability';
import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Registry } from 'prom-client';

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Every metric family any service registers, with the series names a histogram adds. */
function exportedNames(): Set<string> {
  const registry = new Registry();
  new RequestMetrics(registry);
  new HeartbeatMetrics(registry, () => 0);
  new CommandMetrics(registry);
  new RoutingMetrics(registry);
  new AlertMetrics(registry, ['down']);
  registerPoolGauges(registry, () => [], 20);
  registerFollowerMetrics(registry, () => []);
  new Readiness().register(registry);
  collectDefaultMetrics({ register: registry });
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

describe('the metric catalogue', () => {
  const names = exportedNames();

  it('gives the Grafana dashboard only metrics the services export', () => {
    const dashboard = JSON.parse(read('infra/grafana/gateway-pools.dashboard.json')) as { panels: Panel[] };
    const used = dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => target.expr.match(/\b(?:gwpool|process|nodejs)_[a-z0-9_]+\b/g) ?? []);

    expect(used.length).toBeGreaterThan(10);
    expect([...new Set(used)].filter((name) => !names.has(name))).toEqual([]);
  });

  it('documents every gwpool metric in docs/api.md', () => {
    const api = read('docs/api.md');
    const families = [...names].filter((name) => name.startsWith('gwpool_') && !/_(bucket|sum|count)$/.test(name));

    expect(families.length).toBeGreaterThan(15);
    expect(families.filter((name) => !api.includes(`\`${name}\``))).toEqual([]);
  });
});
