export * from './catalog-follower.js';
export * from './gateway-registry.js';
export * from './org-stream-follower.js';
export * from './position-gate.js';
