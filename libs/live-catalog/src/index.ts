export * from './live-catalog.js';
export * from './liveness-view.js';
export * from './view-docs.js';
