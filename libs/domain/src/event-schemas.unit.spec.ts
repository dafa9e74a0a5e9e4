import { eventSchemaError, EVENT_SCHEMAS, metadataSchemaError, storedEventError } from './event-schemas.js';
import { ORG_EVENT_TYPES, type OrgEvent } from './events.js';

const VALID: readonly OrgEvent[] = [
  { type: 'OrgEntitlementSet', data: { gatewayPools: true } },
  { type: 'GatewayRegistered', data: { gatewayId: 'gw-1', name: 'Frankfurt 1', zone: 'eu-1' } },
  { type: 'GatewayRegistered', data: { gatewayId: 'gw-1', name: undefined, zone: undefined } },
  { type: 'GatewayUpdated', data: { gatewayId: 'gw-1', name: '' } },
  { type: 'GatewayDeregistered', data: { gatewayId: 'gw-1' } },
  { type: 'PoolCreated', data: { poolId: 'p1', name: 'edge-eu', description: 'EU' } },
  { type: 'PoolRenamed', data: { poolId: 'p1', name: 'edge-us', previousName: 'edge-eu' } },
  { type: 'PoolDescriptionChanged', data: { poolId: 'p1' } },
  { type: 'PoolDeleted', data: { poolId: 'p1', name: 'edge-eu' } },
  { type: 'PoolMemberAdded', data: { poolId: 'p1', gatewayId: 'gw-1' } },
  { type: 'PoolMemberRemoved', data: { poolId: 'p1', gatewayId: 'gw-1', reason: 'gateway-deregistered' } },
  {
    type: 'ConsumerAttached',
    data: {
      consumerId: 'k8s',
      consumerType: 'kubernetes-auth',
      target: { kind: 'pool', poolId: 'p1' },
      previousTarget: { kind: 'gateway', gatewayId: 'gw-1' },
    },
  },
  { type: 'ConsumerDetached', data: { consumerId: 'k8s', previousTarget: { kind: 'pool', poolId: 'p1' } } },
  { type: 'EventVoided', data: { revision: 3, reason: 'registered with no gateway id' } },
  { type: 'OrgAccountBound', data: { accountPublicKey: `A${'B'.repeat(55)}` } },
  {
    type: 'OrgAccountBound',
    data: { accountPublicKey: `A${'C'.repeat(55)}`, previousAccountPublicKey: `A${'B'.repeat(55)}` },
  },
];

const METADATA = { correlationId: 'c-1', causationId: 'r-1', occurredAt: '2026-01-01T10:00:00.000Z' };

describe('event schemas', () => {
  it('has one schema for every event type', () => {
    expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual([...ORG_EVENT_TYPES].sort());
  });

  it.each(VALID.map((event) => [event.type, event] as const))('accepts a valid %s', (_type, event) => {
    expect(eventSchemaError(event.type, event.data)).toBeUndefined();
  });

  it.each([
    ['an empty GatewayRegistered', 'GatewayRegistered', {}, 'data.gatewayId is required'],
    ['a numeric pool name', 'PoolCreated', { poolId: 'p1', name: 42 }, 'data.name must be a string'],
    ['a null gateway id', 'PoolMemberAdded', { poolId: 'p1', gatewayId: null }, 'data.gatewayId must be a string'],
    ['an array id', 'GatewayDeregistered', { gatewayId: ['gw-1'] }, 'data.gatewayId must be a string'],
    ['an object id', 'GatewayDeregistered', { gatewayId: { toString: 'x' } }, 'data.gatewayId must be a string'],
    ['an empty id', 'GatewayDeregistered', { gatewayId: '' }, 'data.gatewayId must be a string of 1 to 64'],
    ['a 65-character id', 'GatewayDeregistered', { gatewayId: 'g'.repeat(65) }, 'data.gatewayId must be'],
    ['an id that is not a token', 'GatewayDeregistered', { gatewayId: 'bad id!' }, 'data.gatewayId must be'],
    ['a pool name that is not a slug', 'PoolCreated', { poolId: 'p1', name: 'Edge EU' }, 'lowercase'],
    ['an extra key', 'PoolDeleted', { poolId: 'p1', name: 'edge', colour: 'red' }, 'data.colour is not allowed'],
    ['a string entitlement', 'OrgEntitlementSet', { gatewayPools: 'yes' }, 'must be a boolean'],
    ['an unknown consumer type', 'ConsumerDetached', { consumerId: 'c', previousTarget: { kind: 'vm' } }, 'kind'],
    [
      'a target with an extra key',
      'ConsumerAttached',
      { consumerId: 'c', consumerType: 'pam', target: { kind: 'pool', poolId: 'p1', gatewayId: 'g' } },
      'gatewayId is not allowed',
    ],
    ['a removal reason it does not know', 'PoolMemberRemoved', { poolId: 'p', gatewayId: 'g', reason: 'x' }, 'one of'],
    ['a negative voided revision', 'EventVoided', { revision: -1, reason: 'r' }, 'whole number'],
    ['a fractional voided revision', 'EventVoided', { revision: 1.5, reason: 'r' }, 'whole number'],
    ['data that is not an object', 'PoolDeleted', 'p1', 'data must be an object'],
    ['data that is null', 'PoolDeleted', null, 'data must be an object'],
    ['a gateway name with a NUL character', 'GatewayRegistered', { gatewayId: 'g', name: 'a\u0000' }, 'NUL'],
    ['a user key as the account', 'OrgAccountBound', { accountPublicKey: `U${'B'.repeat(55)}` }, 'account public key'],
    ['a short account key', 'OrgAccountBound', { accountPublicKey: 'ABC' }, 'account public key'],
    ['a lowercase account key', 'OrgAccountBound', { accountPublicKey: `a${'b'.repeat(55)}` }, 'account public key'],
    ['a description with a lone surrogate', 'PoolCreated', { poolId: 'p', name: 'a', description: '\ud800' }, 'NUL'],
  ])('refuses %s', (_label, type, data, fragment) => {
    expect(eventSchemaError(type, data)).toContain(fragment);
  });

  it('refuses an event type it does not know, and prototype names as types', () => {
    for (const type of ['RenameOrg', '__proto__', 'constructor', 'toString']) {
      expect(eventSchemaError(type, {})).toContain('unknown event type');
    }
  });

  it('refuses data whose keys are prototype names', () => {
    expect(eventSchemaError('GatewayDeregistered', JSON.parse('{"gatewayId":"g","__proto__":{}}'))).toContain(
      '__proto__ is not allowed',
    );
    expect(eventSchemaError('GatewayDeregistered', { gatewayId: 'g', constructor: 'x' })).toContain(
      'constructor is not allowed',
    );
  });

  it('checks the metadata of an event about to be stored', () => {
    expect(metadataSchemaError(METADATA)).toBeUndefined();
    expect(metadataSchemaError({ ...METADATA, actor: 'alice@example.com' })).toBeUndefined();
    expect(metadataSchemaError({ ...METADATA, actor: 'alice', actorKey: `U${'D'.repeat(55)}` })).toBeUndefined();
    expect(metadataSchemaError({ ...METADATA, actorKey: `A${'D'.repeat(55)}` })).toContain('actorKey');
    expect(metadataSchemaError({ ...METADATA, callerAccount: `A${'D'.repeat(55)}` })).toContain('not allowed');
    expect(metadataSchemaError({ ...METADATA, occurredAt: 'yesterday' })).toContain('occurredAt');
    expect(metadataSchemaError({ ...METADATA, correlationId: 42 })).toContain('correlationId');
    expect(metadataSchemaError({ ...METADATA, extra: 1 })).toContain('extra is not allowed');
    expect(storedEventError({ type: 'PoolDeleted', data: { poolId: 'p1', name: 'edge' }, metadata: {} })).toContain(
      'metadata.correlationId is required',
    );
  });
});
