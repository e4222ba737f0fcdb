/**
 * The desired state of the registry on an ArcGIS portal, derived from the core schema: the
 * source hosted feature service with its layers, tables, fields, domains and relationships,
 * the public and officer views, the officers' group, and how each item is shared. The layer
 * definitions are the layer JSON the local server serves (core `layerJson`), so what is
 * provisioned is what the local server answers, field for field.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/create-service/
 * @see https://developers.arcgis.com/rest/services-reference/online/add-to-definition-feature-service/
 */
import type { ICreateServiceParams } from '@esri/arcgis-rest-feature-service';
import { capabilitiesOf, layerJson, WGS84, type Extent } from '../../core/schema/layer-json.js';
import { LAYERS, SERVICE_NAME } from '../../core/schema/registry-schema.js';
import type { LayerDef, Operation, ViewName } from '../../core/schema/schema-types.js';
import {
  fieldsInView,
  layersInView,
  operationsInView,
  SERVICE_OF_VIEW,
} from '../../core/schema/views.js';

/** Records a query returns at most (the local server's own limit; ArcGIS Online's default is 2000 too). */
export const DEFAULT_MAX_RECORD_COUNT = 2000;
/** The group the officer view is shared with. */
export const DEFAULT_OFFICER_GROUP = 'Community Camera Officers';
/** Independence, Missouri: the demo city. */
const DEFAULT_EXTENT: Extent = { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 };

export interface PlanOptions {
  readonly maxRecordCount?: number;
  /** Title of the officers' group (created when missing). */
  readonly officerGroupTitle?: string;
  /** The city, WGS84: the services' initial extent. */
  readonly extent?: Extent;
}

/** One field as the plan wants it; a drift check compares these properties. */
export interface PlannedField {
  readonly name: string;
  readonly type: string;
  readonly alias: string;
  /** Characters allowed (strings only). */
  readonly length?: number;
  readonly nullable: boolean;
  readonly editable: boolean;
  readonly domain: unknown;
}

export interface LayerPlan {
  readonly id: number;
  readonly name: string;
  /** Where `addToDefinition` takes it: feature layers under `layers`, tables under `tables`. */
  readonly list: 'layers' | 'tables';
  /** The definition `addToDefinition` posts. */
  readonly definition: Record<string, unknown>;
  /** The fields the layer carries (a view: those it shows), as a check compares them. */
  readonly fields: readonly PlannedField[];
  /** `capabilities` of the layer (`Query`, `Create,Editing`, …). */
  readonly capabilities: string;
  /** For a view's layer: its `viewDefinitionQuery` (empty for none). */
  readonly viewDefinitionQuery?: string;
}

/** How an item is shared: with everyone, the organization, and groups (by title). */
export interface SharingPlan {
  readonly everyone: boolean;
  readonly org: boolean;
  readonly groups: readonly string[];
}

export interface ServicePlan {
  readonly view: ViewName;
  readonly name: string;
  readonly isView: boolean;
  /** For a view: the service it shows. */
  readonly sourceServiceName?: string;
  readonly createParameters: ICreateServiceParams;
  readonly layers: readonly LayerPlan[];
  readonly sharing: SharingPlan;
}

export interface GroupPlan {
  readonly title: string;
  readonly access: 'private' | 'org' | 'public';
  readonly description: string;
  readonly snippet: string;
  readonly tags: readonly string[];
  readonly isInvitationOnly: boolean;
}

export interface ProvisionPlan {
  /** Source first, then the views (a view needs its source). */
  readonly services: readonly ServicePlan[];
  readonly groups: readonly GroupPlan[];
}

const OPERATION_ORDER: readonly Operation[] = ['query', 'create', 'update', 'delete'];

function serviceCapabilities(view: ViewName): string {
  const operations = new Set(layersInView(view).flatMap((layer) => operationsInView(layer, view)));
  return capabilitiesOf(OPERATION_ORDER.filter((op) => operations.has(op)));
}

/** Layer JSON properties a new hosted layer is given (the rest are the service's to compute). */
const DEFINITION_KEYS = [
  'id',
  'name',
  'type',
  'description',
  'copyrightText',
  'defaultVisibility',
  'geometryType',
  'hasZ',
  'hasM',
  'extent',
  'drawingInfo',
  'allowGeometryUpdates',
  'hasAttachments',
  'htmlPopupType',
  'displayField',
  'typeIdField',
  'objectIdField',
  'globalIdField',
  'fields',
  'relationships',
  'indexes',
  'types',
  'templates',
  'editFieldsInfo',
  'ownershipBasedAccessControlForFeatures',
  'capabilities',
  'maxRecordCount',
  'supportedQueryFormats',
  'hasStaticData',
] as const;

function plannedFields(json: Record<string, unknown>): PlannedField[] {
  return (json.fields as Record<string, unknown>[]).map((field) => ({
    name: field.name as string,
    type: field.type as string,
    alias: field.alias as string,
    ...(typeof field.length === 'number' ? { length: field.length } : {}),
    nullable: field.nullable as boolean,
    editable: field.editable as boolean,
    domain: field.domain ?? null,
  }));
}

function sourceLayerPlan(layer: LayerDef, options: Required<PlanOptions>): LayerPlan {
  const json = layerJson(layer, 'source', {
    maxRecordCount: options.maxRecordCount,
    ...(layer.kind === 'point' ? { extent: options.extent } : {}),
  });
  const definition: Record<string, unknown> = {};
  for (const key of DEFINITION_KEYS) if (json[key] !== undefined) definition[key] = json[key];
  return {
    id: layer.id,
    name: layer.name,
    list: layer.kind === 'point' ? 'layers' : 'tables',
    definition,
    fields: plannedFields(json),
    capabilities: json.capabilities as string,
  };
}

function viewLayerPlan(layer: LayerDef, view: ViewName): LayerPlan {
  const fields = fieldsInView(layer, view);
  const capabilities = capabilitiesOf(operationsInView(layer, view));
  const query = layer.access[view]?.definitionExpression ?? '';
  // The view's fields as its layer JSON reports them (names and aliases; types come from the source).
  const json = layerJson(layer, view, { maxRecordCount: DEFAULT_MAX_RECORD_COUNT });
  return {
    id: layer.id,
    name: layer.name,
    list: layer.kind === 'point' ? 'layers' : 'tables',
    definition: {
      id: layer.id,
      name: layer.name,
      type: layer.kind === 'point' ? 'Feature Layer' : 'Table',
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
      ...(query === '' ? {} : { viewDefinitionQuery: query }),
      capabilities,
    },
    fields: plannedFields(json),
    capabilities,
    viewDefinitionQuery: query,
  };
}

/** The whole desired state, from the core schema. */
export function planProvisioning(options: PlanOptions = {}): ProvisionPlan {
  const settings: Required<PlanOptions> = {
    maxRecordCount: options.maxRecordCount ?? DEFAULT_MAX_RECORD_COUNT,
    officerGroupTitle: options.officerGroupTitle ?? DEFAULT_OFFICER_GROUP,
    extent: options.extent ?? DEFAULT_EXTENT,
  };
  const initialExtent = { ...settings.extent, spatialReference: WGS84 };
  const sites = LAYERS.find((layer) => layer.kind === 'point');
  const ownership = sites
    ? (layerJson(sites, 'source', { maxRecordCount: settings.maxRecordCount })
        .ownershipBasedAccessControlForFeatures as Record<string, boolean>)
    : {};
  const source: ServicePlan = {
    view: 'source',
    name: SERVICE_OF_VIEW.source,
    isView: false,
    createParameters: {
      name: SERVICE_OF_VIEW.source,
      serviceDescription: 'Community Camera Program: registered private security cameras.',
      hasStaticData: false,
      maxRecordCount: settings.maxRecordCount,
      supportedQueryFormats: 'JSON',
      capabilities: serviceCapabilities('source'),
      description: '',
      copyrightText: '',
      spatialReference: { wkid: 4326 },
      initialExtent,
      allowGeometryUpdates: true,
      units: 'esriDecimalDegrees',
      xssPreventionInfo: {
        xssPreventionEnabled: true,
        xssPreventionRule: 'input',
        xssInputRule: 'rejectInvalid',
      },
      // Editor tracking fills Creator/CreationDate/Editor/EditDate; the source is never
      // shared, so who may see whose records is decided by the views.
      editorTrackingInfo: {
        enableEditorTracking: true,
        enableOwnershipAccessControl: false,
        allowOthersToQuery: ownership.allowOthersToQuery ?? true,
        allowOthersToUpdate: ownership.allowOthersToUpdate ?? true,
        allowOthersToDelete: ownership.allowOthersToDelete ?? true,
        allowAnonymousToUpdate: ownership.allowAnonymousToUpdate ?? false,
        allowAnonymousToDelete: ownership.allowAnonymousToDelete ?? false,
      },
    },
    layers: LAYERS.map((layer) => sourceLayerPlan(layer, settings)),
    sharing: { everyone: false, org: false, groups: [] },
  };
  const viewPlan = (view: 'public' | 'officer', sharing: SharingPlan): ServicePlan => ({
    view,
    name: SERVICE_OF_VIEW[view],
    isView: true,
    sourceServiceName: SERVICE_NAME,
    createParameters: {
      name: SERVICE_OF_VIEW[view],
      capabilities: serviceCapabilities(view),
      spatialReference: { wkid: 4326 },
      initialExtent,
      maxRecordCount: settings.maxRecordCount,
    },
    layers: layersInView(view).map((layer) => viewLayerPlan(layer, view)),
    sharing,
  });
  return {
    services: [
      source,
      // Residents register anonymously: create only, and nothing to query.
      viewPlan('public', { everyone: true, org: false, groups: [] }),
      viewPlan('officer', { everyone: false, org: false, groups: [settings.officerGroupTitle] }),
    ],
    groups: [
      {
        title: settings.officerGroupTitle,
        access: 'private',
        description: 'Officers who search the registry through the officer view.',
        snippet: 'Community Camera Registry: officer view',
        tags: ['community cameras'],
        isInvitationOnly: true,
      },
    ],
  };
}
