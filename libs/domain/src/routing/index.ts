export * from './flap-damping.js';
export * from './member-capacity.js';
export * from './passive-ejection.js';
export * from './direct-route.js';
export * from './pool-alerts.js';
export * from './route-pick.js';
export * from './routing-types.js';
export { estimatedLoad, isLoadFresh } from './pick-strategies.js';
export { fmix32, fnv1a32, rendezvousIndex, rendezvousWeight, stringHash } from './rendezvous-hash.js';
