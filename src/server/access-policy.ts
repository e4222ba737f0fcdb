import type { ViewName } from '../core/schema/schema-types.js';
import type { Caller, Role } from './auth/accounts.js';

/**
 * Who may call each route. The server registers no route without an entry here
 * (create-server.ts fails at start-up otherwise) and the access tests are generated from it.
 */
export type Access =
  | { readonly kind: 'anyone' }
  | { readonly kind: 'signed-in'; readonly roles: readonly Role[] }
  /** Decided per feature service view: see {@link VIEW_ROLES}. */
  | { readonly kind: 'service-view' };

export interface RoutePolicy {
  readonly methods: readonly ('GET' | 'POST' | 'HEAD' | 'OPTIONS')[];
  readonly url: string;
  readonly access: Access;
  readonly purpose: string;
  /** Per-client request budget that applies (see `RateLimits` in create-server.ts). */
  readonly rate?: RateClass;
}

/** Budgets: sign-in attempts, anonymous writes, and anonymous look-ups (geocoder). */
export type RateClass = 'sign-in' | 'anonymous-edit' | 'lookup';

const ANYONE: Access = { kind: 'anyone' };
const BY_VIEW: Access = { kind: 'service-view' };
const READ = ['GET', 'POST'] as const;
const WRITE = ['POST'] as const;
const FS = '/arcgis/rest/services/:service/FeatureServer';

/** Who may use each view of the feature service; `anonymous` means anyone at all. */
export const VIEW_ROLES: Readonly<Record<ViewName, readonly (Role | 'anonymous')[]>> = {
  public: ['anonymous', 'officer', 'analyst', 'admin'],
  officer: ['officer'],
  source: ['analyst', 'admin'],
};

export function viewAllows(view: ViewName, caller: Caller): boolean {
  const roles = VIEW_ROLES[view];
  return caller.kind === 'anonymous' ? roles.includes('anonymous') : roles.includes(caller.role);
}

export const ROUTE_POLICIES: readonly RoutePolicy[] = [
  {
    methods: READ,
    url: '/arcgis/rest/info',
    access: ANYONE,
    purpose: 'Server version and where to get a token',
  },
  {
    methods: WRITE,
    url: '/arcgis/sharing/rest/generateToken',
    access: ANYONE,
    purpose: 'Sign in (portal style)',
    rate: 'sign-in',
  },
  {
    methods: WRITE,
    url: '/arcgis/tokens/generateToken',
    access: ANYONE,
    purpose: 'Sign in (server style)',
    rate: 'sign-in',
  },
  {
    methods: READ,
    url: '/arcgis/sharing/rest/community/self',
    access: { kind: 'signed-in', roles: ['officer', 'analyst', 'admin'] },
    purpose: 'Who the token belongs to',
  },
  {
    methods: READ,
    url: '/arcgis/rest/services',
    access: ANYONE,
    purpose: 'Services directory (lists what the caller may use)',
  },
  { methods: READ, url: FS, access: BY_VIEW, purpose: 'Feature service description' },
  { methods: READ, url: `${FS}/layers`, access: BY_VIEW, purpose: 'All layer descriptions' },
  {
    methods: WRITE,
    url: `${FS}/applyEdits`,
    access: BY_VIEW,
    purpose: 'Edits across layers in one transaction',
    rate: 'anonymous-edit',
  },
  { methods: READ, url: `${FS}/:layer`, access: BY_VIEW, purpose: 'Layer description' },
  { methods: READ, url: `${FS}/:layer/query`, access: BY_VIEW, purpose: 'Query features' },
  {
    methods: READ,
    url: `${FS}/:layer/queryRelatedRecords`,
    access: BY_VIEW,
    purpose: 'Query related records',
  },
  {
    methods: WRITE,
    url: `${FS}/:layer/applyEdits`,
    access: BY_VIEW,
    purpose: 'Add, update and delete features',
    rate: 'anonymous-edit',
  },
  {
    methods: WRITE,
    url: `${FS}/:layer/addFeatures`,
    access: BY_VIEW,
    purpose: 'Add features',
    rate: 'anonymous-edit',
  },
  {
    methods: WRITE,
    url: `${FS}/:layer/updateFeatures`,
    access: BY_VIEW,
    purpose: 'Update features',
    rate: 'anonymous-edit',
  },
  {
    methods: WRITE,
    url: `${FS}/:layer/deleteFeatures`,
    access: BY_VIEW,
    purpose: 'Delete features',
    rate: 'anonymous-edit',
  },
  {
    methods: READ,
    url: '/arcgis/rest/services/Geocode/GeocodeServer',
    access: ANYONE,
    purpose: 'Geocoder description',
  },
  {
    methods: READ,
    url: '/arcgis/rest/services/Geocode/GeocodeServer/findAddressCandidates',
    access: ANYONE,
    purpose: 'Find an address',
    rate: 'lookup',
  },
  {
    methods: READ,
    url: '/arcgis/rest/services/Geocode/GeocodeServer/suggest',
    access: ANYONE,
    purpose: 'Address suggestions while typing',
    rate: 'lookup',
  },
  {
    methods: READ,
    url: '/arcgis/rest/services/Geocode/GeocodeServer/reverseGeocode',
    access: ANYONE,
    purpose: 'Address nearest a point',
    rate: 'lookup',
  },
  {
    methods: READ,
    url: '/demo-data/streets.geojson',
    access: ANYONE,
    purpose: 'Offline street lines for demo maps',
  },
  {
    methods: ['OPTIONS'],
    url: '*',
    access: ANYONE,
    purpose: 'CORS preflight (answers only allow-listed origins)',
  },
  { methods: ['GET', 'HEAD'], url: '/', access: ANYONE, purpose: 'Demo page' },
  {
    methods: ['GET', 'HEAD'],
    url: '/*',
    access: ANYONE,
    purpose: 'Demo pages, widget bundles and map assets',
  },
];

export function policyFor(method: string, url: string): RoutePolicy | undefined {
  return ROUTE_POLICIES.find(
    (policy) => policy.url === url && policy.methods.includes(method as 'GET'),
  );
}
