import type { Access } from '../access-policy.js';

/** Policy shorthands shared by the route modules. */
export const ANYONE: Access = { kind: 'anyone' };
export const BY_VIEW: Access = { kind: 'service-view' };
export const STAFF: Access = { kind: 'signed-in', roles: ['officer', 'analyst', 'admin'] };
export const READ = ['GET', 'POST'] as const;
export const WRITE = ['POST'] as const;
export const FS = '/arcgis/rest/services/:service/FeatureServer';
export const GEOCODE = '/arcgis/rest/services/Geocode/GeocodeServer';
