export * from './event-log.contract.js';
export * from './in-memory-event-log.js';
