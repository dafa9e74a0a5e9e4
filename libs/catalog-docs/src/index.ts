export * from './catalog-docs.js';
