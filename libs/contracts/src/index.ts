export * from './dtos.js';
export * from './field-rules.js';
export * from './route-dtos.js';
export * from './subjects.js';
export * from './validation.js';
export * from './request-validation-error.js';
export * from './wire-errors.js';
export * from './replies.js';
