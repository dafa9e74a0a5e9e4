export * from './catalog-follower.js';
