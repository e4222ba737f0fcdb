/** The sole entry point of the DOM-free, Node-free core. */
export * from './errors.js';
export * from './schema/schema-types.js';
export * as domains from './schema/domains.js';
export * from './schema/registry-schema.js';
export type * from './schema/registry-types.js';
export * from './schema/views.js';
export * from './schema/layer-json.js';
export * from './validation/validate-attributes.js';
export * from './geometry/geodesy.js';
export * from './registration/registration-codes.js';
export * from './registration/change-request.js';
