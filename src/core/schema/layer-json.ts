import { IssueCode } from '../validation/validate-attributes.js';
import { ANALYST_ONLY_CODES, PreferredContact, SiteType } from './domains.js';
import {
  CONFIRMATION_INTERVAL_DAYS,
  EDIT_FIELDS,
  LAYERS,
  RELATIONSHIPS,
  SITES,
} from './registry-schema.js';
import type { SiteField } from './registry-types.js';
import type {
  CodedDomain,
  FieldDef,
  FieldType,
  LayerDef,
  Operation,
  ViewName,
} from './schema-types.js';
import { fieldsInView, layersInView, operationsInView } from './views.js';

/**
 * ArcGIS JSON for the schema: the layer resource of a hosted feature layer
 * (https://developers.arcgis.com/rest/services-reference/enterprise/layer-feature-service/).
 * Everything a client reads here is derived from the schema and the rules of
 * `validateAttributes`, so what the layer says is what an edit is checked against.
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

/** A coded-value domain (https://developers.arcgis.com/rest/services-reference/enterprise/domain-objects/). */
export interface ArcgisCodedValueDomain {
  type: 'codedValue';
  name: string;
  codedValues: { name: string; code: string }[];
}

/** A range domain: inclusive `[min, max]`. */
export interface ArcgisRangeDomain {
  type: 'range';
  name: string;
  range: [number, number];
}

export interface ArcgisField {
  name: string;
  type: string;
  alias: string;
  sqlType: string;
  /** Characters allowed; string fields only (ArcGIS documents `length` for strings). */
  length?: number;
  nullable: boolean;
  editable: boolean;
  domain: ArcgisCodedValueDomain | ArcgisRangeDomain | null;
  defaultValue: string | null;
  /**
   * ArcGIS Online's field description: a JSON string `{"value": …, "fieldValueType": …}`
   * (the Maps SDK's `Field.description` and `Field.valueType` are read from it).
   */
  description?: string;
}

export function esriFieldType(type: FieldType): string {
  return ESRI_TYPE[type];
}

/**
 * A rule `crossFieldIssues` enforces between fields of one record, in words. ArcGIS layer
 * JSON has no property for such rules, so they go into the layer's and the fields'
 * descriptions.
 */
export interface CrossFieldRule {
  /** Name of the layer whose records the rule binds. */
  readonly layer: string;
  /** The issue the validator reports when the rule is broken. */
  readonly code: IssueCode;
  /** Every field the rule reads; each field's description repeats the rule. */
  readonly fields: readonly string[];
  readonly text: string;
}

function siteAlias(name: SiteField): string {
  return SITES.fields.find((field) => field.name === name)?.alias ?? name;
}

function label(domain: CodedDomain, code: string): string {
  return `“${domain.values.find((value) => value.code === code)?.en ?? code}”`;
}

/**
 * The cross-field rules of `crossFieldIssues`, stated for clients. Names and labels come
 * from the schema; `test/server/layer-json-truth.test.ts` checks that every issue the
 * validator raises across fields is stated here, on the fields it names.
 */
export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    layer: SITES.name,
    code: IssueCode.ContactRequired,
    fields: ['phone', 'email'],
    text: `${siteAlias('phone')} or ${siteAlias('email')} is required: give at least one.`,
  },
  {
    layer: SITES.name,
    code: IssueCode.BusinessNameRequired,
    fields: ['site_type', 'business_name'],
    text: `${siteAlias('business_name')} is required unless ${siteAlias('site_type')} is ${label(SiteType, 'residence')}.`,
  },
  {
    layer: SITES.name,
    code: IssueCode.PreferredContactMissing,
    fields: ['preferred_contact', 'phone', 'email'],
    text: `${siteAlias('preferred_contact')} ${label(PreferredContact, 'phone')} or ${label(PreferredContact, 'sms')} needs a ${siteAlias('phone')}; ${label(PreferredContact, 'email')} needs an ${siteAlias('email')}.`,
  },
];

/** Rules binding `layer` whose fields the view all carries. */
function rulesInView(layer: LayerDef, view: ViewName): CrossFieldRule[] {
  const names = new Set(fieldsInView(layer, view).map((field) => field.name));
  return CROSS_FIELD_RULES.filter(
    (rule) => rule.layer === layer.name && rule.fields.every((name) => names.has(name)),
  );
}

function canCreate(layer: LayerDef, view: ViewName): boolean {
  return operationsInView(layer, view).includes('create');
}

function canWrite(layer: LayerDef, view: ViewName): boolean {
  return operationsInView(layer, view).some((op) => op === 'create' || op === 'update');
}

const ALL_VIEWS: readonly ViewName[] = ['source', 'public', 'officer'];

/**
 * `nullable` as ArcGIS means it: whether a record may lack a value. A field the validator
 * requires on create is not nullable in a view that creates; in a view that only reads, it
 * is not nullable when every view that creates the layer requires it (so no stored record
 * was created without it).
 */
function nullableIn(layer: LayerDef, field: FieldDef, view: ViewName): boolean {
  if (!field.nullable) return false;
  if (!field.required) return true;
  if (canCreate(layer, view)) return false;
  const creators = ALL_VIEWS.filter((v) => canCreate(layer, v));
  return !creators.every((v) => fieldsInView(layer, v).includes(field));
}

/** Codes the validator accepts from writes through `view` (analyst-only codes only in source). */
function writableCodes(domain: CodedDomain, view: ViewName): CodedDomain['values'] {
  const reserved = view === 'source' ? [] : (ANALYST_ONLY_CODES[domain.name] ?? []);
  return domain.values.filter((value) => !reserved.includes(value.code));
}

function domainIn(
  layer: LayerDef,
  field: FieldDef,
  view: ViewName,
): ArcgisCodedValueDomain | ArcgisRangeDomain | null {
  if (field.domain) {
    // A view that writes advertises what it accepts; a view that only reads must label
    // every code it can return.
    const values = canWrite(layer, view) ? writableCodes(field.domain, view) : field.domain.values;
    return {
      type: 'codedValue',
      name: field.domain.name,
      codedValues: values.map((value) => ({ name: value.en, code: value.code })),
    };
  }
  if (field.range) return { type: 'range', name: `${field.name}_range`, range: [...field.range] };
  return null;
}

/**
 * The value the server gives a field a create leaves out, when that is one constant
 * (`apply-edits.ts` `serverDefaults`). Times and user names vary, so they have none.
 */
function defaultValueIn(field: FieldDef, view: ViewName): string | null {
  switch (field.serverSet) {
    case 'pending':
      return 'pending';
    case 'web':
      return view === 'public' ? 'web' : null;
    case 'now':
    case 'user':
    case 'confirm-due':
    case undefined:
      return null;
  }
}

/** ArcGIS Online field value types (`Field.valueType` in the Maps SDK). */
type FieldValueType =
  'uniqueIdentifier' | 'emailAddress' | 'phoneNumber' | 'dateAndTime' | 'typeOrCategory';

function valueTypeOf(field: FieldDef): FieldValueType | undefined {
  switch (field.format) {
    case 'email':
      return 'emailAddress';
    case 'e164':
      return 'phoneNumber';
    case 'sha256':
    case 'reference':
      return 'uniqueIdentifier';
    case undefined:
      break;
  }
  if (field.type === 'oid' || field.type === 'globalId' || field.type === 'guid')
    return 'uniqueIdentifier';
  if (field.type === 'date') return 'dateAndTime';
  if (field.domain) return 'typeOrCategory';
  return undefined;
}

const FORMAT_TEXT: Readonly<Record<NonNullable<FieldDef['format']>, string>> = {
  email: 'An e-mail address (name@example.org).',
  e164: 'A phone number in E.164 form: “+”, the country code and the number, digits only (+15551234567).',
  sha256: 'A SHA-256 hash: 64 lower-case hexadecimal characters.',
  reference:
    'Three groups of four letters or digits (Crockford base32, e.g. 7K3M-Q9TX-2BHD); stored in upper case with dashes.',
};

const SERVER_SET_TEXT: Readonly<Record<NonNullable<FieldDef['serverSet']>, string>> = {
  now: 'the time of creation',
  user: 'the name of the signed-in user',
  pending: '“pending”',
  web: '“web” for registrations through the public service',
  'confirm-due': `the time of creation plus ${CONFIRMATION_INTERVAL_DAYS} days`,
};

function descriptionText(layer: LayerDef, field: FieldDef, view: ViewName): string {
  const parts: string[] = [];
  if (field.format) parts.push(FORMAT_TEXT[field.format]);
  if (field.multi && field.domain) {
    const [first, second] = field.domain.values;
    parts.push(
      `Several codes of the domain may be given, as one text of codes separated by commas, each at most once (e.g. “${first?.code ?? ''},${second?.code ?? ''}”).`,
    );
  }
  if (!field.editable && field.type !== 'oid' && field.type !== 'globalId') {
    // (A GlobalID sent with `useGlobalIds` is kept, as ArcGIS keeps it.)
    parts.push('Set by the server; a value sent is ignored.');
  } else if (field.serverSet) {
    parts.push(
      `When a new record leaves it out, the server sets ${SERVER_SET_TEXT[field.serverSet]}.`,
    );
  }
  for (const rule of rulesInView(layer, view)) {
    if (rule.fields.includes(field.name)) parts.push(rule.text);
  }
  return parts.join(' ');
}

function descriptionJson(layer: LayerDef, field: FieldDef, view: ViewName): string | undefined {
  const value = descriptionText(layer, field, view);
  const fieldValueType = valueTypeOf(field);
  if (value === '' && fieldValueType === undefined) return undefined;
  return JSON.stringify({ value, ...(fieldValueType ? { fieldValueType } : {}) });
}

/** A field of `layer` as `view` describes it. */
export function layerFieldJson(layer: LayerDef, field: FieldDef, view: ViewName): ArcgisField {
  const description = descriptionJson(layer, field, view);
  return {
    name: field.name,
    type: ESRI_TYPE[field.type],
    alias: field.alias,
    sqlType: SQL_TYPE[field.type],
    ...(field.type === 'string' && field.length !== undefined ? { length: field.length } : {}),
    nullable: nullableIn(layer, field, view),
    editable: field.editable,
    domain: domainIn(layer, field, view),
    defaultValue: defaultValueIn(field, view),
    ...(description === undefined ? {} : { description }),
  };
}

/** A field as its own table (the source service) describes it; query results use this. */
export function fieldJson(field: FieldDef): ArcgisField {
  const layer = LAYERS.find((candidate) => candidate.fields.includes(field));
  if (layer) return layerFieldJson(layer, field, 'source');
  // A field of no layer (a caller's own): nothing but the field itself to go by.
  const own: LayerDef = {
    id: -1,
    name: '',
    kind: 'table',
    description: '',
    displayField: '',
    fields: [field],
    access: {},
  };
  return layerFieldJson(own, field, 'source');
}

/** Rules of the layer in plain words, as the layer's (and each template's) description adds them. */
export function layerRules(layer: LayerDef, view: ViewName): string {
  return rulesInView(layer, view)
    .map((rule) => rule.text)
    .join(' ');
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

/** An ArcGIS feature template: what a new record starts from. */
export interface ArcgisTemplate {
  name: string;
  description: string;
  drawingTool: 'esriFeatureEditToolPoint' | 'esriFeatureEditToolNone';
  prototype: { attributes: Record<string, string | number | null> };
}

/**
 * The one template of a layer the view can create: every field a client may write, at
 * the value the server would give it when left out (as ArcGIS Online's templates list
 * the editable fields with their defaults).
 */
function templatesIn(
  layer: LayerDef,
  view: ViewName,
  fields: readonly ArcgisField[],
): ArcgisTemplate[] {
  if (!canCreate(layer, view)) return [];
  const attributes: Record<string, string | number | null> = {};
  for (const field of fields) if (field.editable) attributes[field.name] = field.defaultValue;
  const required = [
    ...(layer.kind === 'point' ? ['the point location'] : []),
    ...fields.filter((f) => f.editable && !f.nullable).map((f) => f.alias),
  ];
  const rules = layerRules(layer, view);
  return [
    {
      name: layer.name,
      description: [`Required: ${required.join(', ')}.`, rules].filter((s) => s !== '').join(' '),
      drawingTool: layer.kind === 'point' ? 'esriFeatureEditToolPoint' : 'esriFeatureEditToolNone',
      prototype: { attributes },
    },
  ];
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
  const fieldsJson = fields.map((field) => layerFieldJson(layer, field, view));
  const hasEditorTracking = fieldNames.has(EDIT_FIELDS.creatorField);
  const isPoint = layer.kind === 'point';
  const extent = options.extent ?? { xmin: -180, ymin: -90, xmax: 180, ymax: 90 };
  const rules = layerRules(layer, view);
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
    description: rules === '' ? layer.description : `${layer.description} ${rules}`,
    copyrightText: '',
    defaultVisibility: true,
    editingInfo: { lastEditDate: options.lastEditDate ?? null },
    isDataVersioned: false,
    // The public view keeps all of a call or none of it, whatever the caller asks.
    supportsRollbackOnFailureParameter: view !== 'public',
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
                'esriSpatialRelCrosses',
                'esriSpatialRelEnvelopeIntersects',
                'esriSpatialRelIndexIntersects',
                'esriSpatialRelOverlaps',
                'esriSpatialRelTouches',
                'esriSpatialRelWithin',
                'esriSpatialRelRelation',
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
    fields: fieldsJson,
    relationships,
    indexes: [],
    // No subtype field: every record of a layer shares one set of domains and one template.
    types: [],
    templates: templatesIn(layer, view, fieldsJson),
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
