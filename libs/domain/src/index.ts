export * from './commands.js';
export * from './decide.js';
export * from './errors.js';
export * from './events.js';
export * from './health.js';
export * from './identifiers.js';
export * from './org-catalog.js';
export * from './routing/index.js';
