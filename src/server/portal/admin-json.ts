import { SERVICE_NAME } from '../../core/schema/registry-schema.js';
import type { LayerDef } from '../../core/schema/schema-types.js';
import { layersInView } from '../../core/schema/views.js';
import type { Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import { describeLayer, describeService, type ServiceSettings } from '../handlers/service-info.js';
import { definedLayerIds, withServiceState, type HostedService } from './hosted-services.js';

/**
 * What the administrative endpoint of a hosted feature service answers
 * (`rest/admin/services/<name>/FeatureServer[/<id>]`): the served JSON plus what only the
 * owner and administrators see, `adminLayerInfo` (for a view, its `viewLayerDefinition`) and a
 * view's `viewDefinitionQuery`. Everything is derived from the schema and the stored state, so
 * a drift check reads here what clients are served.
 *
 * @see https://developers.arcgis.com/rest/services-reference/online/hosted-feature-service/
 */

export function adminLayerJson(
  db: Database,
  service: HostedService,
  layer: LayerDef,
  settings: ServiceSettings,
): Record<string, unknown> {
  const json = describeLayer(db, layer, service.view, settings);
  if (!service.isView) {
    return {
      ...json,
      isView: false,
      adminLayerInfo: { tableName: tableName(layer), geometryField: { name: 'Shape' } },
    };
  }
  const fields = json.fields as { name: string; alias: string }[];
  return {
    ...json,
    isView: true,
    viewDefinitionQuery: layer.access[service.view]?.definitionExpression ?? '',
    adminLayerInfo: {
      viewLayerDefinition: {
        sourceServiceName: SERVICE_NAME,
        sourceLayerId: layer.id,
        sourceLayerFields: fields.map((field) => ({
          name: field.name,
          alias: field.alias,
          source: field.name,
        })),
      },
    },
  };
}

export function adminServiceJson(
  db: Database,
  service: HostedService,
  settings: ServiceSettings,
): Record<string, unknown> {
  const defined = definedLayerIds(db, service.name);
  const layers = layersInView(service.view)
    .filter((layer) => defined.has(layer.id))
    .map((layer) => adminLayerJson(db, service, layer, settings));
  return {
    ...withServiceState(db, service, describeService(service.view, settings)),
    adminServiceInfo: {
      name: service.name,
      type: 'FeatureServer',
      status: 'Started',
      isView: service.isView,
    },
    layers: layers.filter((layer) => layer.type === 'Feature Layer'),
    tables: layers.filter((layer) => layer.type === 'Table'),
  };
}
