export * from './databases.js';
export * from './nats-client.js';
export * from './stack.js';
// Suites that need a nats-server of their own configuration (accounts, an operator) start it the one way.
export { type NatsServer, type NatsServerOptions, startNatsServer } from '@gwpool/launcher';
export * from './prometheus.js';
