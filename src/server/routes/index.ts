import { ANYONE } from './route-policies.js';
import { EDIT_ROUTES } from './edit-routes.js';
import { DEMO_DATA_ROUTES, GEOCODE_ROUTES } from './geocode-routes.js';
import { OAUTH_ROUTES } from './oauth-routes.js';
import { PORTAL_ADMIN_ROUTES } from './portal-admin-routes.js';
import { QUERY_ROUTES } from './query-routes.js';
import type { PluginRouteDef, RouteDef } from './route-kit.js';
import { SERVICE_ROUTES } from './service-routes.js';
import { SIGN_IN_ROUTES } from './sign-in-routes.js';

/** Every route the server answers itself, with its policy and handler. */
export const ROUTES: readonly RouteDef[] = [
  ...SERVICE_ROUTES,
  ...SIGN_IN_ROUTES,
  ...OAUTH_ROUTES,
  ...QUERY_ROUTES,
  ...EDIT_ROUTES,
  ...GEOCODE_ROUTES,
  ...DEMO_DATA_ROUTES,
  ...PORTAL_ADMIN_ROUTES,
];

/** Routes that plugins answer; declared here so that they, too, have a policy. */
export const PLUGIN_ROUTES: readonly PluginRouteDef[] = [
  {
    methods: ['OPTIONS'],
    url: '*',
    access: ANYONE,
    purpose: 'CORS preflight (answers only allow-listed origins)',
    registeredBy: 'cors',
  },
  {
    methods: ['GET', 'HEAD'],
    url: '/',
    access: ANYONE,
    purpose: 'Demo page',
    registeredBy: 'static',
  },
  {
    methods: ['GET', 'HEAD'],
    url: '/*',
    access: ANYONE,
    purpose: 'Demo pages, widget bundles and map assets',
    registeredBy: 'static',
  },
  {
    methods: ['GET', 'HEAD'],
    url: '/embed/*',
    access: ANYONE,
    purpose: 'Script-tag bundles, pages for frames, their configs and map assets',
    registeredBy: 'static',
  },
];

/** The policy of a registered route, or none (and then the server refuses to start). */
export function policyFor(method: string, url: string): RouteDef | PluginRouteDef | undefined {
  return [...ROUTES, ...PLUGIN_ROUTES].find(
    (route) => route.url === url && route.methods.includes(method as 'GET'),
  );
}
