export * from './catalog-docs.js';
export * from './docs-to-catalogs.js';
