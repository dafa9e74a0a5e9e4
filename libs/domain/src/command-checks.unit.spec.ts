import { decide, foldCatalog, type OrgCommand } from './index.js';
import { given, gatewayRegistered, OPTIONS, poolCreated } from './testing/decider-spec.js';

describe('the second line of defence: decide checks the type of every field', () => {
  const edge = [poolCreated('p-eu', 'edge-eu'), gatewayRegistered('gw-1')];
  const WRONG = [123, true, null, ['x'], { id: 'x' }, '', 'bad id!', 'x'.repeat(65)];
  const cases: [string, (value: unknown) => OrgCommand][] = [
    ['RegisterGateway.gatewayId', (v) => ({ type: 'RegisterGateway', data: { gatewayId: v } }) as never],
    ['RegisterGateway.zone', (v) => ({ type: 'RegisterGateway', data: { gatewayId: 'gw-2', zone: v } }) as never],
    ['DeregisterGateway.gatewayId', (v) => ({ type: 'DeregisterGateway', data: { gatewayId: v } }) as never],
    ['CreatePool.poolId', (v) => ({ type: 'CreatePool', data: { poolId: v, name: 'edge-us' } }) as never],
    ['CreatePool.name', (v) => ({ type: 'CreatePool', data: { poolId: 'p-us', name: v } }) as never],
    ['UpdatePool.poolId', (v) => ({ type: 'UpdatePool', data: { poolId: v } }) as never],
    ['UpdatePool.name', (v) => ({ type: 'UpdatePool', data: { poolId: 'p-eu', name: v } }) as never],
    ['DeletePool.poolId', (v) => ({ type: 'DeletePool', data: { poolId: v } }) as never],
    ['AddPoolMember.gatewayId', (v) => ({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: v } }) as never],
    ['RemovePoolMember.poolId', (v) => ({ type: 'RemovePoolMember', data: { poolId: v, gatewayId: 'gw-1' } }) as never],
    ['DetachConsumer.consumerId', (v) => ({ type: 'DetachConsumer', data: { consumerId: v } }) as never],
    [
      'AttachConsumer.consumerId',
      (v) =>
        ({
          type: 'AttachConsumer',
          data: { consumerId: v, consumerType: 'pam', target: { kind: 'pool', poolId: 'p-eu' }, liveness: [] },
        }) as never,
    ],
    [
      'AttachConsumer.target',
      (v) =>
        ({
          type: 'AttachConsumer',
          data: {
            consumerId: 'c',
            consumerType: 'pam',
            target: { kind: 'gateway', gatewayId: v },
            liveness: [],
          },
        }) as never,
    ],
  ];

  it.each(cases)('refuses a %s that is not a valid string, whatever its type', (_field, command) => {
    for (const value of WRONG) {
      given(edge).when(command(value)).thenRefuses('VALIDATION_FAILED', 'invalid request');
    }
  });

  it.each([
    ['a pool name of the wrong type', { type: 'CreatePool', data: { poolId: 'p', name: 42 } }],
    ['a description that is not a string', { type: 'CreatePool', data: { poolId: 'p', name: 'a', description: 7 } }],
    ['a gateway name that is an object', { type: 'RegisterGateway', data: { gatewayId: 'g', name: { a: 1 } } }],
    ['an entitlement that is a string', { type: 'SetEntitlement', data: { gatewayPools: 'true' } }],
    ['a consumer type it does not know', { type: 'DetachConsumer', data: { consumerId: 'c', extra: 1 } }],
    ['a void of a negative revision', { type: 'VoidEvent', data: { revision: -1, reason: 'r' } }],
    ['a void with an empty reason', { type: 'VoidEvent', data: { revision: 0, reason: '' } }],
    ['data that is null', { type: 'DeletePool', data: null }],
  ])('refuses %s', (_label, command) => {
    given(edge)
      .when(command as unknown as OrgCommand)
      .thenRefuses('VALIDATION_FAILED');
  });

  const attachTo = (liveness: unknown) =>
    ({
      type: 'AttachConsumer',
      data: { consumerId: 'c', consumerType: 'pam', target: { kind: 'pool', poolId: 'p-eu' }, liveness },
    }) as unknown as OrgCommand;

  it.each([
    ['liveness that is not a list', { gatewayId: 'gw-1', at: 1, check: 'passed' }],
    ['a gateway id that is not a token', [{ gatewayId: 'bad id!', at: 1, check: 'passed' }]],
    ['a heartbeat time that is not a whole number', [{ gatewayId: 'gw-1', at: '1', check: 'passed' }]],
    ['a check that is neither passed nor failed', [{ gatewayId: 'gw-1', at: 1, check: 'ok' }]],
    ['an entry with a key of its own', [{ gatewayId: 'gw-1', at: 1, check: 'passed', healthy: true }]],
  ])('refuses an attach whose liveness has %s', (_label, liveness) => {
    given(edge).when(attachTo(liveness)).thenRefuses('VALIDATION_FAILED', 'liveness');
  });

  it.each([
    ['no metadata', undefined],
    ['no time', { correlationId: 'c', causationId: 'r' }],
    ['a time that is not a whole number', { now: 1.5, correlationId: 'c', causationId: 'r' }],
    ['an empty correlation id', { now: 1, correlationId: '', causationId: 'r' }],
    ['a key of its own', { now: 1, correlationId: 'c', causationId: 'r', tenant: 'x' }],
    ['a traceparent that is not one', { now: 1, correlationId: 'c', causationId: 'r', traceparent: '00-abc' }],
  ])('throws, as on a bug, for a command with %s', (_label, metadata) => {
    const command = { type: 'DeletePool', data: { poolId: 'p-eu' }, metadata } as unknown as OrgCommand;

    expect(() => decide(command, foldCatalog('acme', edge), OPTIONS)).toThrow('invalid command metadata');
  });

  it('decides a command whose metadata carries a valid traceparent', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const command: OrgCommand = {
      type: 'DeletePool',
      data: { poolId: 'p-eu' },
      metadata: { now: 1, correlationId: 'c', causationId: 'r', traceparent },
    };

    expect(decide(command, foldCatalog('acme', edge), OPTIONS)).toEqual([
      { type: 'PoolDeleted', data: { poolId: 'p-eu', name: 'edge-eu' } },
    ]);
  });
});
