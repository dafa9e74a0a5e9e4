export * from './liveness-view.js';
