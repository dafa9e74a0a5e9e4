import {
  beatTransitions,
  evolveHealth,
  type HealthEvent,
  type HealthHistory,
  type HealthInputs,
  healthStreamId,
  healthTransitions,
} from './health-history.js';
import { storedEventError } from './event-schemas.js';
import type { Liveness } from './health.js';

const TTL = 1000;
const t = (ms: number) => new Date(ms).toISOString();
const meta = { correlationId: 'c', causationId: 'c', occurredAt: t(0) };

function inputs(liveness: Record<string, Liveness>, now: number, registered = Object.keys(liveness)): HealthInputs {
  return { registered, liveness: (id) => liveness[id], deregisteredAt: () => undefined, now, ttlMs: TTL };
}

const fold = (events: HealthEvent[], history: HealthHistory = new Map()) =>
  events.reduce((h, e) => evolveHealth(h, e), history);

describe('health transitions', () => {
  it('records a first passed heartbeat as becoming healthy at its receive time, and nothing for a silent gateway', () => {
    const events = healthTransitions(
      new Map(),
      inputs({ 'gw-1': { at: 100, check: 'passed' } }, 150, ['gw-1', 'gw-2']),
    );
    expect(events).toEqual([{ type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-1', at: t(100) } }]);
  });

  it('records a failed check once, with its reason and the time of the failing heartbeat', () => {
    const history = fold(healthTransitions(new Map(), inputs({ 'gw-1': { at: 100, check: 'passed' } }, 150)));
    const failed = inputs({ 'gw-1': { at: 300, check: 'failed' } }, 320);
    const events = healthTransitions(history, failed);
    expect(events).toEqual([
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'gw-1', reason: 'check-failed', at: t(300) } },
    ]);
    expect(healthTransitions(fold(events, history), failed)).toEqual([]);
  });

  it('records an expiry at the end of the TTL, without a new heartbeat, however late it is noticed', () => {
    const history = fold(healthTransitions(new Map(), inputs({ 'gw-1': { at: 100, check: 'passed' } }, 150)));
    expect(healthTransitions(history, inputs({ 'gw-1': { at: 100, check: 'passed' } }, 1099))).toEqual([]);
    expect(healthTransitions(history, inputs({ 'gw-1': { at: 100, check: 'passed' } }, 5000))).toEqual([
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'gw-1', reason: 'heartbeat-expired', at: t(1100) } },
    ]);
  });

  it('records a healthy gateway that left the org as deregistered, at the time of its deregistration', () => {
    const history = fold(healthTransitions(new Map(), inputs({ 'gw-1': { at: 100, check: 'passed' } }, 150)));
    const gone: HealthInputs = { ...inputs({}, 400, []), deregisteredAt: (id) => (id === 'gw-1' ? 350 : undefined) };
    expect(healthTransitions(history, gone)).toEqual([
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'gw-1', reason: 'deregistered', at: t(350) } },
    ]);
  });

  it('never records an older state over a newer one, as a writer whose liveness lags would', () => {
    const history = fold([
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-1', at: t(100) } },
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'gw-1', reason: 'check-failed', at: t(300) } },
    ]);
    // This writer has not heard of the failed heartbeat at 300 yet.
    expect(healthTransitions(history, inputs({ 'gw-1': { at: 200, check: 'passed' } }, 320))).toEqual([]);
    expect(healthTransitions(history, inputs({ 'gw-1': { at: 400, check: 'passed' } }, 420))).toEqual([
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-1', at: t(400) } },
    ]);
  });
});

describe('the health stream schema', () => {
  it('accepts health events only in a health stream, and org events only outside one', () => {
    const healthy = { type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-1', at: t(1) }, metadata: meta };
    expect(storedEventError(healthy, healthStreamId('acme'))).toBeUndefined();
    expect(storedEventError(healthy, 'gwpool-org-acme')).toMatch(/unknown event type/);
    const registered = { type: 'GatewayRegistered', data: { gatewayId: 'gw-1' }, metadata: meta };
    expect(storedEventError(registered, healthStreamId('acme'))).toMatch(/unknown health event type/);
  });

  it('refuses a transition with an unknown reason, a local time or an extra key', () => {
    const stream = healthStreamId('acme');
    const event = (data: unknown) => ({ type: 'GatewayBecameUnhealthy', data, metadata: meta });
    expect(storedEventError(event({ gatewayId: 'gw-1', reason: 'tired', at: t(1) }), stream)).toMatch(/reason/);
    expect(
      storedEventError(event({ gatewayId: 'gw-1', reason: 'check-failed', at: '2026-01-01 10:00' }), stream),
    ).toMatch(/at must be an ISO-8601/);
    expect(
      storedEventError(event({ gatewayId: 'gw-1', reason: 'check-failed', at: t(1), __proto__x: 1 }), stream),
    ).toMatch(/not allowed/);
  });

  it('records for a batch of heartbeats only what those gateways changed, leaving the rest of the org to the sweep', () => {
    const history = fold([
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'quiet', at: t(100) } },
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'gone', at: t(100) } },
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'failing', at: t(100) } },
    ]);
    const liveness: Record<string, Liveness> = {
      quiet: { at: 100, check: 'passed' },
      failing: { at: 4000, check: 'failed' },
      fresh: { at: 4100, check: 'passed' },
      stranger: { at: 4100, check: 'passed' },
    };
    const registered = new Set(['quiet', 'failing', 'fresh']);
    const beats = { liveness: (id: string) => liveness[id], now: 4200, ttlMs: TTL };

    // 'quiet' has expired and 'gone' was deregistered, but neither just beat; 'stranger' is not registered.
    expect(
      beatTransitions(history, { ...beats, isRegistered: (id) => registered.has(id) }, [
        'failing',
        'fresh',
        'stranger',
        'fresh',
      ]),
    ).toEqual([
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'failing', reason: 'check-failed', at: t(4000) } },
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'fresh', at: t(4100) } },
    ]);
    // The full round finds the rest, by the same rules.
    expect(healthTransitions(history, { ...beats, registered, deregisteredAt: () => undefined })).toEqual([
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'quiet', reason: 'heartbeat-expired', at: t(1100) } },
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'failing', reason: 'check-failed', at: t(4000) } },
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'fresh', at: t(4100) } },
      { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'gone', reason: 'deregistered', at: t(4200) } },
    ]);
  });
});
