export * from './child-process.js';
export * from './executables.js';
export * from './nats-server.js';
export * from './ports.js';
export * from './postgres-server.js';
export * from './repo-root.js';
export * from './service-probe.js';
export * from './service-process.js';
