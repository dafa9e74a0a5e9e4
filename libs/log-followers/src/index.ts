export * from './catalog-follower.js';
export * from './org-stream-follower.js';
