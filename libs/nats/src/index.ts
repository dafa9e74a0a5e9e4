export * from './microservice.js';
export * from './plain-json.deserializer.js';
export * from './plain-json.serializer.js';
export * from './request-context.js';
export * from './wire-exception.filter.js';
export * from './shutdown.js';
export * from './bounded-wire-error.js';
export * from './refusal-log.js';
