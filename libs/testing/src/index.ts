export * from './databases.js';
export * from './nats-client.js';
export * from './service-process.js';
export * from './stack.js';
export * from './nats-server.js';
