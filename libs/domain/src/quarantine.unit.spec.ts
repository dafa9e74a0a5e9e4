import { decide } from './decide.js';
import { DomainError } from './errors.js';
import { evolve, initialCatalog } from './org-catalog.js';
import { applyRecorded, degradedMarker, type RecordedOrgEvent } from './quarantine.js';

const ORG = 'acme';
const recorded = (revision: number, type: string, data: unknown): RecordedOrgEvent => ({
  streamId: `gwpool-org-${ORG}`,
  revision,
  position: `p${revision}`,
  type,
  data,
});

describe('quarantine of events that cannot be applied', () => {
  it('applies a valid event and quarantines an invalid one, moving the org past both', () => {
    const state = initialCatalog(ORG);

    expect(applyRecorded(state, recorded(0, 'GatewayRegistered', { gatewayId: 'gw-1' })).event).toBeDefined();
    const { quarantined } = applyRecorded(state, recorded(1, 'GatewayRegistered', {}));
    applyRecorded(state, recorded(2, 'PoolCreated', { poolId: 'p1', name: 'edge' }));

    expect(quarantined).toEqual({
      position: 'p1',
      org: ORG,
      streamId: 'gwpool-org-acme',
      revision: 1,
      type: 'GatewayRegistered',
      error: 'GatewayRegistered: data.gatewayId is required',
    });
    expect(state.revision).toBe(2);
    expect([...state.gateways.keys()]).toEqual(['gw-1']);
    expect([...state.pools.keys()]).toEqual(['p1']);
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

    applyRecorded(state, recorded(0, 'PoolCreated', { poolId: 'p1', name: 42 }));

    expect(degradedMarker(state)).toEqual({ quarantinedEvents: 1, message: expect.stringContaining("org 'acme'") });
  });

  it('lets an operator void a quarantined event, which clears the degraded mark', () => {
    const state = initialCatalog(ORG);
    applyRecorded(state, recorded(0, 'PoolCreated', { poolId: 'p1', name: 42 }));

    const events = decide({ type: 'VoidEvent', data: { revision: 0, reason: 'bad name' } }, state, 'open');
    expect(events).toEqual([{ type: 'EventVoided', data: { revision: 0, reason: 'bad name' } }]);
    evolve(state, events[0]!, 1);

    expect(state.quarantined.size).toBe(0);
    expect(degradedMarker(state)).toBeUndefined();
  });

  it('refuses to void an event that is not quarantined', () => {
    const state = initialCatalog(ORG);
    applyRecorded(state, recorded(0, 'GatewayRegistered', { gatewayId: 'gw-1' }));

    expect(() => decide({ type: 'VoidEvent', data: { revision: 0, reason: 'r' } }, state, 'open')).toThrow(
      new DomainError('NOT_FOUND', "event 0 of org 'acme' is not quarantined"),
    );
    expect(() => decide({ type: 'VoidEvent', data: { revision: 7, reason: 'r' } }, state, 'open')).toThrow(
      'is not quarantined',
    );
  });
});
