export * from './databases.js';
export * from './nats-client.js';
export * from './stack.js';
