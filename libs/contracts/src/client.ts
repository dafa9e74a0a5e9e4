// What a client of the API needs, without the request validation: class-validator alone takes most of a second to
// load, which a CLI would pay on every run.
export * from './subjects.js';
export * from './wire-errors.js';
export * from './replies.js';
