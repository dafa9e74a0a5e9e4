export * from './stack-auth.js';
