import { DomainError } from '../errors.js';
import type { Liveness, LivenessLookup } from '../health.js';
import { foldCatalog } from '../org-catalog.js';
import { refusalError, routeThroughGateway } from './direct-route.js';

const NOW = 1_000_000;
const TTL = 5_000;

const catalog = foldCatalog('acme', [
  { type: 'GatewayRegistered', data: { gatewayId: 'g0', zone: 'eu-1a', tags: ['gpu', 'pci'] } },
  { type: 'GatewayRegistered', data: { gatewayId: 'g1' } },
]);

const beats = (entries: Record<string, Liveness>): LivenessLookup => (id) => entries[id];
const healthy = beats({ g0: { at: NOW - 10, check: 'passed' }, g1: { at: NOW - 10, check: 'passed' } });
const context = (liveness: LivenessLookup) => ({ liveness, now: NOW, ttlMs: TTL });

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a consumer routed through one gateway', () => {
  it('routes through its gateway while that gateway is registered and healthy, with its zone', () => {
    expect(routeThroughGateway(catalog, 'ds-1', 'g0', context(healthy))).toEqual({
      ok: true,
      gatewayId: 'g0',
      zone: 'eu-1a',
      panic: false,
    });
    expect(routeThroughGateway(catalog, 'ds-1', 'g1', context(healthy))).toEqual({
      ok: true,
      gatewayId: 'g1',
      panic: false,
    });
  });

  it('refuses a gateway that is not healthy, or no longer registered', () => {
    const failed = beats({ g1: { at: NOW - 10, check: 'failed' } });

    expect(() => routeThroughGateway(catalog, 'ds-1', 'g1', context(failed))).toThrow(
      new DomainError('NO_HEALTHY_GATEWAY', "consumer 'ds-1' routes through gateway 'g1', which is not healthy"),
    );
    expect(() => routeThroughGateway(catalog, 'ds-1', 'gone', context(healthy))).toThrow(
      "consumer 'ds-1' routes through gateway 'gone', which is no longer registered",
    );
  });

  it('refuses a gateway without every required tag, naming the missing ones, before looking at health', () => {
    const error = refusal(() =>
      routeThroughGateway(catalog, 'ds-1', 'g0', context(beats({})), { requireTags: ['gpu', 'arm', 'x'] }),
    );

    expect(error.code).toBe('NO_MATCHING_GATEWAY');
    expect(error.message).toBe("consumer 'ds-1' routes through gateway 'g0', which lacks the tags: arm, x");
    expect(routeThroughGateway(catalog, 'ds-1', 'g0', context(healthy), { requireTags: ['pci'] }).gatewayId).toBe('g0');
  });

  it('refuses an excluded gateway with NO_HEALTHY_GATEWAY, and ignores drain, zone and key', () => {
    const error = refusal(() => routeThroughGateway(catalog, 'ds-1', 'g1', context(healthy), { exclude: ['g1'] }));

    expect(error.code).toBe('NO_HEALTHY_GATEWAY');
    expect(error.message).toContain('is excluded (1 excluded)');
    expect(
      routeThroughGateway(catalog, 'ds-1', 'g1', context(healthy), { preferZone: 'us-1', key: 'session-1' }).gatewayId,
    ).toBe('g1');
  });
});

describe('refusalError', () => {
  it('carries the refusal code and message, and only the counts that are not zero', () => {
    const error = refusalError({
      ok: false,
      code: 'NO_HEALTHY_GATEWAY',
      message: "pool 'edge-eu' has no healthy gateway (0/3 healthy, 2 excluded)",
      details: { poolId: 'p-eu', healthy: 0, total: 3, excluded: 2, draining: 0 },
    });

    expect(error.code).toBe('NO_HEALTHY_GATEWAY');
    expect(error.message).toBe("pool 'edge-eu' has no healthy gateway (0/3 healthy, 2 excluded)");
    expect(error.details).toEqual({ poolId: 'p-eu', healthy: 0, total: 3, excluded: 2 });
  });
});
