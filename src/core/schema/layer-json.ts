import { EDIT_FIELDS, RELATIONSHIPS } from './registry-schema.js';
import type { FieldDef, FieldType, LayerDef, Operation, ViewName } from './schema-types.js';
import { fieldsInView, layersInView, operationsInView } from './views.js';

/**
 * ArcGIS JSON for the schema: the layer resource of a hosted feature layer
 * (https://developers.arcgis.com/rest/services-reference/enterprise/layer-feature-service-/).
 */

const ESRI_TYPE: Readonly<Record<FieldType, string>> = {
  oid: 'esriFieldTypeOID',
  globalId: 'esriFieldTypeGlobalID',
  guid: 'esriFieldTypeGUID',
  string: 'esriFieldTypeString',
  integer: 'esriFieldTypeInteger',
  smallInteger: 'esriFieldTypeSmallInteger',
  double: 'esriFieldTypeDouble',
  date: 'esriFieldTypeDate',
};

const SQL_TYPE: Readonly<Record<FieldType, string>> = {
  oid: 'sqlTypeInteger',
  globalId: 'sqlTypeGUID',
  guid: 'sqlTypeGUID',
  string: 'sqlTypeNVarchar',
  integer: 'sqlTypeInteger',
  smallInteger: 'sqlTypeSmallInt',
  double: 'sqlTypeDouble',
  date: 'sqlTypeTimestamp2',
};

export const WGS84 = { wkid: 4326, latestWkid: 4326 } as const;

export interface ArcgisField {
  name: string;
  type: string;
  alias: string;
  sqlType: string;
  length?: number;
  nullable: boolean;
  editable: boolean;
  domain: unknown;
  defaultValue: null;
  description?: string;
}

export function esriFieldType(type: FieldType): string {
  return ESRI_TYPE[type];
}

export function fieldJson(field: FieldDef): ArcgisField {
  let domain: unknown = null;
  if (field.domain && !field.multi) {
    domain = {
      type: 'codedValue',
      name: field.domain.name,
      codedValues: field.domain.values.map((value) => ({ name: value.en, code: value.code })),
    };
  } else if (field.range) {
    domain = { type: 'range', name: `${field.name}_range`, range: [...field.range] };
  }
  return {
    name: field.name,
    type: ESRI_TYPE[field.type],
    alias: field.alias,
    sqlType: SQL_TYPE[field.type],
    ...(field.length === undefined ? {} : { length: field.length }),
    nullable: field.nullable,
    editable: field.editable,
    domain,
    defaultValue: null,
    ...(field.multi && field.domain
      ? {
          description: `Comma-separated codes: ${field.domain.values.map((v) => v.code).join(', ')}`,
        }
      : {}),
  };
}

const CAPABILITY: Readonly<Record<Operation, string>> = {
  query: 'Query',
  create: 'Create',
  update: 'Update',
  delete: 'Delete',
};

/** `capabilities` as ArcGIS writes it; `Editing` accompanies any write (the SDK requires it). */
export function capabilitiesOf(operations: readonly Operation[]): string {
  const words = operations.map((op) => CAPABILITY[op]);
  if (operations.some((op) => op !== 'query')) words.push('Editing');
  return words.join(',');
}

export interface Extent {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface LayerJsonOptions {
  /** Extent of the data, WGS84; a view that cannot query is given none. */
  readonly extent?: Extent;
  readonly maxRecordCount: number;
  readonly lastEditDate?: number;
}

export function layerJson(
  layer: LayerDef,
  view: ViewName,
  options: LayerJsonOptions,
): Record<string, unknown> {
  const operations = operationsInView(layer, view);
  const canQuery = operations.includes('query');
  const fields = fieldsInView(layer, view);
  const fieldNames = new Set(fields.map((f) => f.name));
  const hasEditorTracking = fieldNames.has(EDIT_FIELDS.creatorField);
  const isPoint = layer.kind === 'point';
  const extent = options.extent ?? { xmin: -180, ymin: -90, xmax: 180, ymax: 90 };
  const relationships = RELATIONSHIPS.filter(
    (rel) => rel.originLayerId === layer.id || rel.destinationLayerId === layer.id,
  )
    .filter((rel) => layersInView(view).some((l) => l.id === rel.originLayerId))
    .filter((rel) => layersInView(view).some((l) => l.id === rel.destinationLayerId))
    .map((rel) => {
      const origin = rel.originLayerId === layer.id;
      return {
        id: rel.id,
        name: rel.name,
        relatedTableId: origin ? rel.destinationLayerId : rel.originLayerId,
        cardinality: 'esriRelCardinalityOneToMany',
        role: origin ? 'esriRelRoleOrigin' : 'esriRelRoleDestination',
        keyField: origin ? rel.originKey : rel.destinationKey,
        composite: true,
      };
    });

  return {
    currentVersion: 11.3,
    id: layer.id,
    name: layer.name,
    type: isPoint ? 'Feature Layer' : 'Table',
    description: layer.description,
    copyrightText: '',
    defaultVisibility: true,
    editingInfo: { lastEditDate: options.lastEditDate ?? null },
    isDataVersioned: false,
    supportsRollbackOnFailureParameter: true,
    supportsStatistics: canQuery,
    supportsAdvancedQueries: canQuery,
    supportsValidateSQL: false,
    supportsCoordinatesQuantization: false,
    supportsApplyEditsWithGlobalIds: true,
    advancedQueryCapabilities: {
      useStandardizedQueries: true,
      supportsStatistics: canQuery,
      supportsOrderBy: canQuery,
      supportsDistinct: canQuery,
      supportsPagination: canQuery,
      supportsPaginationOnAggregatedQueries: false,
      supportsTrueCurve: false,
      supportsReturningQueryExtent: canQuery,
      supportsQueryWithDistance: canQuery && isPoint,
      supportsSqlExpression: false,
      supportsHavingClause: false,
      supportsOutFieldSQLExpression: false,
      supportsQueryWithResultType: false,
      supportsCountDistinct: false,
    },
    useStandardizedQueries: true,
    ...(isPoint
      ? {
          geometryType: 'esriGeometryPoint',
          hasZ: false,
          hasM: false,
          minScale: 0,
          maxScale: 0,
          extent: { ...extent, spatialReference: WGS84 },
          spatialReference: WGS84,
          drawingInfo: {
            renderer: {
              type: 'simple',
              symbol: {
                type: 'esriSMS',
                style: layer.id === 0 ? 'esriSMSSquare' : 'esriSMSCircle',
                color: layer.id === 0 ? [0, 92, 175, 255] : [214, 69, 0, 255],
                size: 7,
                outline: {
                  type: 'esriSLS',
                  style: 'esriSLSSolid',
                  color: [255, 255, 255, 255],
                  width: 1,
                },
              },
            },
            transparency: 0,
            labelingInfo: null,
          },
          allowGeometryUpdates: view === 'source',
          supportedSpatialRelationships: canQuery
            ? [
                'esriSpatialRelIntersects',
                'esriSpatialRelContains',
                'esriSpatialRelWithin',
                'esriSpatialRelEnvelopeIntersects',
              ]
            : [],
        }
      : {}),
    hasAttachments: false,
    htmlPopupType: 'esriServerHTMLPopupTypeNone',
    displayField: fieldNames.has(layer.displayField) ? layer.displayField : 'OBJECTID',
    typeIdField: null,
    subtypeField: '',
    objectIdField: 'OBJECTID',
    uniqueIdField: { name: 'OBJECTID', isSystemMaintained: true },
    globalIdField: 'GlobalID',
    fields: fields.map(fieldJson),
    relationships,
    indexes: [],
    types: [],
    templates: operations.includes('create')
      ? [
          {
            name: layer.name,
            description: '',
            drawingTool: isPoint ? 'esriFeatureEditToolPoint' : 'esriFeatureEditToolNone',
            prototype: { attributes: {} },
          },
        ]
      : [],
    ...(hasEditorTracking ? { editFieldsInfo: { ...EDIT_FIELDS } } : {}),
    ownershipBasedAccessControlForFeatures: {
      allowOthersToQuery: view !== 'public',
      allowOthersToUpdate: view === 'source',
      allowOthersToDelete: view === 'source',
      allowAnonymousToQuery: false,
      allowAnonymousToUpdate: false,
      allowAnonymousToDelete: false,
    },
    dateFieldsTimeReference: { timeZone: 'UTC', respectsDaylightSaving: false },
    capabilities: capabilitiesOf(operations),
    maxRecordCount: options.maxRecordCount,
    standardMaxRecordCount: options.maxRecordCount,
    maxRecordCountFactor: 1,
    supportedQueryFormats: 'JSON, geoJSON',
    hasStaticData: false,
  };
}
