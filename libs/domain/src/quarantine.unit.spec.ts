import type { OrgCommand } from './commands.js';
import { decide } from './decide.js';
import { DomainError } from './errors.js';
import { cloneCatalog, evolve, initialCatalog, type OrgCatalog } from './org-catalog.js';
import { applyRecorded, applyRecordedInPlace, degradedMarker, type RecordedOrgEvent } from './quarantine.js';

const ORG = 'acme';
const recorded = (revision: number, type: string, data: unknown): RecordedOrgEvent => ({
  streamId: `gwpool-org-${ORG}`,
  revision,
  position: `p${revision}`,
  type,
  data,
});

const voidEvent = (revision: number, reason: string): OrgCommand => ({
  type: 'VoidEvent',
  data: { revision, reason },
  metadata: { now: 0, correlationId: 'c', causationId: 'c' },
});
const OPTIONS = { entitlements: 'open', heartbeatTtlMs: 1000 } as const;

/** Applies each event to the state the previous one gave. */
const applyAll = (state: OrgCatalog, events: RecordedOrgEvent[]): OrgCatalog =>
  events.reduce((current, event) => applyRecorded(current, event).state, state);

describe('quarantine of events that cannot be applied', () => {
  it('applies a valid event and quarantines an invalid one, and folds the events after it', () => {
    let state = applyRecorded(initialCatalog(ORG), recorded(0, 'GatewayRegistered', { gatewayId: 'gw-1' })).state;
    const applied = applyRecorded(state, recorded(1, 'GatewayRegistered', {}));
    state = applyRecorded(applied.state, recorded(2, 'PoolCreated', { poolId: 'p1', name: 'edge' })).state;

    expect(applied.quarantined).toEqual({
      position: 'p1',
      org: ORG,
      streamId: 'gwpool-org-acme',
      revision: 1,
      type: 'GatewayRegistered',
      error: 'GatewayRegistered: data.gatewayId is required',
    });
    expect([...state.gateways.keys()]).toEqual(['gw-1']);
    expect([...state.pools.keys()]).toEqual(['p1']);
    expect([...state.quarantined.keys()]).toEqual([1]);
  });

  it('leaves the state it is given untouched, whether it applies or quarantines', () => {
    const state = applyAll(initialCatalog(ORG), [recorded(0, 'GatewayRegistered', { gatewayId: 'gw-1' })]);
    const before = cloneCatalog(state);

    applyRecorded(state, recorded(1, 'GatewayRegistered', { gatewayId: 'gw-2' }));
    applyRecorded(state, recorded(2, 'PoolCreated', { poolId: 'p1', name: 42 }));

    expect(state).toEqual(before);
  });

  it('applies and quarantines in place for a follower that owns its state', () => {
    const state = initialCatalog(ORG);

    expect(applyRecordedInPlace(state, recorded(0, 'GatewayRegistered', { gatewayId: 'gw-1' })).state).toBe(state);
    expect(applyRecordedInPlace(state, recorded(1, 'PoolCreated', { poolId: 'p1', name: 42 })).state).toBe(state);

    expect([...state.gateways.keys()]).toEqual(['gw-1']);
    expect([...state.quarantined.keys()]).toEqual([1]);
  });

  it('quarantines an event type it does not know rather than skipping it silently', () => {
    const state = initialCatalog(ORG);

    expect(applyRecorded(state, recorded(0, 'OrgRenamed', { name: 'x' })).quarantined?.error).toContain(
      'unknown event type',
    );
  });

  it('marks the org degraded only while something is quarantined', () => {
    const state = initialCatalog(ORG);
    expect(degradedMarker(state)).toBeUndefined();

    const degraded = applyRecorded(state, recorded(0, 'PoolCreated', { poolId: 'p1', name: 42 })).state;

    expect(degradedMarker(degraded)).toEqual({ quarantinedEvents: 1, message: expect.stringContaining("org 'acme'") });
  });

  it('lets an operator void a quarantined event, which clears the degraded mark', () => {
    const state = applyAll(initialCatalog(ORG), [recorded(0, 'PoolCreated', { poolId: 'p1', name: 42 })]);

    const events = decide(voidEvent(0, 'bad name'), state, OPTIONS);
    expect(events).toEqual([{ type: 'EventVoided', data: { revision: 0, reason: 'bad name' } }]);
    const repaired = evolve(state, events[0]!);

    expect(repaired.quarantined.size).toBe(0);
    expect(degradedMarker(repaired)).toBeUndefined();
  });

  it('refuses to void an event that is not quarantined', () => {
    const state = applyAll(initialCatalog(ORG), [recorded(0, 'GatewayRegistered', { gatewayId: 'gw-1' })]);

    expect(() => decide(voidEvent(0, 'r'), state, OPTIONS)).toThrow(
      new DomainError('NOT_FOUND', "event 0 of org 'acme' is not quarantined"),
    );
    expect(() => decide(voidEvent(7, 'r'), state, OPTIONS)).toThrow('is not quarantined');
  });
});
