import {
  parseFindRequest,
  parseReverseRequest,
  parseSuggestRequest,
} from '../geocode/geocode-request.js';
import {
  findAddressCandidates,
  geocodeServiceInfo,
  reverseGeocode,
  suggest,
} from '../geocode/geocode-service.js';
import { streetsGeojson } from '../handlers/demo-data.js';
import { ANYONE, GEOCODE, READ } from './route-policies.js';
import { send, type RouteDef } from './route-kit.js';

/**
 * Geocoder bodies are a few short fields; a larger one is refused (413) before it is
 * parsed, so no anonymous caller can make the server parse megabytes.
 */
const GEOCODE_BODY_LIMIT = 64 * 1024;

/** The GeocodeServer over the city's address points. */
export const GEOCODE_ROUTES: readonly RouteDef[] = [
  {
    methods: READ,
    url: GEOCODE,
    access: ANYONE,
    purpose: 'Geocoder description',
    handler: (request, reply) => send(reply, request.params_, geocodeServiceInfo()),
  },
  {
    methods: READ,
    url: `${GEOCODE}/findAddressCandidates`,
    access: ANYONE,
    purpose: 'Find an address',
    rate: 'lookup',
    bodyLimit: GEOCODE_BODY_LIMIT,
    handler: (request, reply, { db }) =>
      send(reply, request.params_, findAddressCandidates(db, parseFindRequest(request.params_))),
  },
  {
    methods: READ,
    url: `${GEOCODE}/suggest`,
    access: ANYONE,
    purpose: 'Address suggestions while typing',
    rate: 'lookup',
    bodyLimit: GEOCODE_BODY_LIMIT,
    handler: (request, reply, { db }) =>
      send(reply, request.params_, suggest(db, parseSuggestRequest(request.params_))),
  },
  {
    methods: READ,
    url: `${GEOCODE}/reverseGeocode`,
    access: ANYONE,
    purpose: 'Address nearest a point',
    rate: 'lookup',
    bodyLimit: GEOCODE_BODY_LIMIT,
    handler: (request, reply, { db }) =>
      send(reply, request.params_, reverseGeocode(db, parseReverseRequest(request.params_))),
  },
];

let streets: string | undefined;

/** Offline data for the demo maps. */
export const DEMO_DATA_ROUTES: readonly RouteDef[] = [
  {
    methods: READ,
    url: '/demo-data/streets.geojson',
    access: ANYONE,
    purpose: 'Offline street lines for demo maps',
    handler: (_request, reply) => {
      streets ??= JSON.stringify(streetsGeojson());
      return reply.header('content-type', 'application/geo+json; charset=utf-8').send(streets);
    },
  },
];
