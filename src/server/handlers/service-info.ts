import { capabilitiesOf, layerJson, WGS84, type Extent } from '../../core/schema/layer-json.js';
import { RELATIONSHIPS } from '../../core/schema/registry-schema.js';
import type { LayerDef, Operation, ViewName } from '../../core/schema/schema-types.js';
import { layersInView, operationsInView, SERVICE_OF_VIEW } from '../../core/schema/views.js';
import type { Database } from '../db/open-database.js';
import { tableName, X_COLUMN, Y_COLUMN } from '../db/registry-tables.js';
import { withDefinitionState } from '../portal/hosted-services.js';
import { MAX_RECORD_COUNT } from '../query/run-query.js';

export const SERVER_VERSION = 11.3;

export interface ServiceSettings {
  /** The city's extent, WGS84; shown where a view may not learn the data's own extent. */
  readonly cityExtent: Extent;
}

function dataExtent(db: Database, layer: LayerDef): Extent | undefined {
  const row = db
    .prepare(
      `SELECT MIN(${X_COLUMN}) AS xmin, MIN(${Y_COLUMN}) AS ymin, MAX(${X_COLUMN}) AS xmax, MAX(${Y_COLUMN}) AS ymax FROM ${tableName(layer)}`,
    )
    .get() as {
    xmin: number | null;
    ymin: number | null;
    xmax: number | null;
    ymax: number | null;
  };
  if (row.xmin === null || row.ymin === null || row.xmax === null || row.ymax === null)
    return undefined;
  return { xmin: row.xmin, ymin: row.ymin, xmax: row.xmax, ymax: row.ymax };
}

export function describeLayer(
  db: Database,
  layer: LayerDef,
  view: ViewName,
  settings: ServiceSettings,
): Record<string, unknown> {
  const canQuery = operationsInView(layer, view).includes('query');
  const extent =
    layer.kind === 'point'
      ? ((canQuery ? dataExtent(db, layer) : undefined) ?? settings.cityExtent)
      : undefined;
  // Aliases and descriptions set through updateDefinition, and only relationships defined so far.
  return withDefinitionState(
    db,
    view,
    layer,
    layerJson(layer, view, { extent, maxRecordCount: MAX_RECORD_COUNT }),
  );
}

export function describeService(
  view: ViewName,
  settings: ServiceSettings,
): Record<string, unknown> {
  const layers = layersInView(view);
  const operations = new Set(layers.flatMap((layer) => operationsInView(layer, view)));
  const extent = { ...settings.cityExtent, spatialReference: WGS84 };
  const entry = (layer: LayerDef) => ({
    id: layer.id,
    name: layer.name,
    parentLayerId: -1,
    defaultVisibility: true,
    subLayerIds: null,
    minScale: 0,
    maxScale: 0,
    ...(layer.kind === 'point'
      ? { geometryType: 'esriGeometryPoint', type: 'Feature Layer' }
      : { type: 'Table' }),
  });
  const ids = new Set(layers.map((l) => l.id));
  const allOperations: Operation[] = ['query', 'create', 'update', 'delete'];
  return {
    currentVersion: SERVER_VERSION,
    serviceItemId: SERVICE_OF_VIEW[view],
    isView: view !== 'source',
    serviceDescription: 'Community Camera Program: registered private security cameras.',
    hasVersionedData: false,
    supportsDisconnectedEditing: false,
    supportsApplyEditsWithGlobalIds: true,
    supportsRollbackOnFailure: true,
    hasStaticData: false,
    maxRecordCount: MAX_RECORD_COUNT,
    supportedQueryFormats: 'JSON, geoJSON',
    capabilities: capabilitiesOf(allOperations.filter((op) => operations.has(op))),
    description: '',
    copyrightText: '',
    spatialReference: WGS84,
    initialExtent: extent,
    fullExtent: extent,
    allowGeometryUpdates: view === 'source',
    units: 'esriDecimalDegrees',
    syncEnabled: false,
    editorTrackingInfo: {
      enableEditorTracking: true,
      enableOwnershipAccessControl: view !== 'source',
      allowOthersToQuery: view !== 'public',
      allowOthersToUpdate: view === 'source',
      allowOthersToDelete: view === 'source',
      allowAnonymousToQuery: false,
      allowAnonymousToUpdate: false,
      allowAnonymousToDelete: false,
    },
    layers: layers.filter((l) => l.kind === 'point').map(entry),
    tables: layers.filter((l) => l.kind === 'table').map(entry),
    relationships: RELATIONSHIPS.filter(
      (r) => ids.has(r.originLayerId) && ids.has(r.destinationLayerId),
    ).map((r) => ({ id: r.id, name: r.name })),
  };
}
