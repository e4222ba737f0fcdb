import { SERVICE_OF_VIEW } from '../../core/schema/views.js';
import { layersInView } from '../../core/schema/views.js';
import type { ViewName } from '../../core/schema/schema-types.js';
import { viewAllows } from '../access-policy.js';
import { describeLayer, describeService, SERVER_VERSION } from '../handlers/service-info.js';
import { definedLayerIds, hostedService, withServiceState } from '../portal/hosted-services.js';
import { FS, ANYONE, BY_VIEW, READ } from './route-policies.js';
import { layerFor, send, sendPage, serverRoot, viewFor, type RouteDef } from './route-kit.js';

/** The server, its services directory and the descriptions of services and layers. */
export const SERVICE_ROUTES: readonly RouteDef[] = [
  {
    methods: READ,
    url: '/arcgis/rest/info',
    access: ANYONE,
    purpose: 'Server version and where to get a token',
    handler: (request, reply, context) => {
      const root = serverRoot(context, request);
      return send(reply, request.params_, {
        currentVersion: SERVER_VERSION,
        fullVersion: '11.3.0',
        owningSystemUrl: `${root}/arcgis`,
        authInfo: {
          isTokenBasedSecurity: true,
          tokenServicesUrl: `${root}/arcgis/sharing/rest/generateToken`,
          shortLivedTokenValidity: context.tokenPolicy.defaultMinutes,
        },
      });
    },
  },
  {
    methods: READ,
    url: '/arcgis/rest/services',
    access: ANYONE,
    purpose: 'Services directory (lists what the caller may use)',
    handler: (request, reply, context) => {
      // Only services that exist (an empty portal has none until provisioned).
      const views = (Object.keys(SERVICE_OF_VIEW) as ViewName[]).filter(
        (view) =>
          viewAllows(view, request.caller) &&
          hostedService(context.db, SERVICE_OF_VIEW[view]) !== undefined,
      );
      return sendPage(reply, request, 'services', {
        currentVersion: SERVER_VERSION,
        folders: [],
        services: [
          ...views.map((view) => ({ name: SERVICE_OF_VIEW[view], type: 'FeatureServer' })),
          { name: 'Geocode', type: 'GeocodeServer' },
        ],
      });
    },
  },
  {
    methods: READ,
    url: FS,
    access: BY_VIEW,
    purpose: 'Feature service description',
    handler: (request, reply, context) => {
      const view = viewFor(request);
      const service = hostedService(context.db, SERVICE_OF_VIEW[view]);
      // Only the layers defined so far, and the service's item id.
      const body = describeService(view, context);
      return sendPage(
        reply,
        request,
        'service',
        service ? withServiceState(context.db, service, body) : body,
      );
    },
  },
  {
    methods: READ,
    url: `${FS}/layers`,
    access: BY_VIEW,
    purpose: 'All layer descriptions',
    handler: (request, reply, context) => {
      const view = viewFor(request);
      const defined = definedLayerIds(context.db, SERVICE_OF_VIEW[view]);
      const layers = layersInView(view)
        .filter((layer) => defined.has(layer.id))
        .map((layer) => describeLayer(context.db, layer, view, context));
      return sendPage(reply, request, 'layers', {
        layers: layers.filter((l) => l.type === 'Feature Layer'),
        tables: layers.filter((l) => l.type === 'Table'),
      });
    },
  },
  {
    methods: READ,
    url: `${FS}/:layer`,
    access: BY_VIEW,
    purpose: 'Layer description',
    handler: (request, reply, context) => {
      const view = viewFor(request);
      return sendPage(
        reply,
        request,
        'layer',
        describeLayer(context.db, layerFor(request, view), view, context),
      );
    },
  },
];
