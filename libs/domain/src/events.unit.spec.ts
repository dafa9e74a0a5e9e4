import { causesWithinBatch } from './index.js';
import { gatewayDeregistered, poolRenamed, descriptionChanged, memberRemoved } from './testing/decider-spec.js';

describe('causesWithinBatch', () => {
  it('links membership removals to the deregistration before them', () => {
    expect(
      causesWithinBatch([
        gatewayDeregistered('gw-1'),
        memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
        memberRemoved('p-us', 'gw-1', 'gateway-deregistered'),
      ]),
    ).toEqual([undefined, 0, 0]);
  });

  it('leaves events caused by the command itself unlinked', () => {
    expect(
      causesWithinBatch([
        poolRenamed('p-eu', 'edge-west', 'edge-eu'),
        descriptionChanged('p-eu', 'Europe'),
        memberRemoved('p-eu', 'gw-1', 'removed'),
      ]),
    ).toEqual([undefined, undefined, undefined]);
  });

  it('leaves a removal by hand unlinked, even after a deregistration', () => {
    expect(
      causesWithinBatch([
        gatewayDeregistered('gw-1'),
        memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
        memberRemoved('p-eu', 'gw-2', 'removed'),
      ]),
    ).toEqual([undefined, 0, undefined]);
  });

  it('links each removal to the nearest deregistration before it', () => {
    expect(
      causesWithinBatch([
        gatewayDeregistered('gw-1'),
        memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
        gatewayDeregistered('gw-2'),
        memberRemoved('p-eu', 'gw-2', 'gateway-deregistered'),
      ]),
    ).toEqual([undefined, 0, undefined, 2]);
  });
});
