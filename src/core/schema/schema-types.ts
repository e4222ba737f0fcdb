/** Field types of the schema; each maps to one `esriFieldType*` in the layer JSON. */
export type FieldType =
  'oid' | 'globalId' | 'guid' | 'string' | 'integer' | 'smallInteger' | 'double' | 'date';

/** One coded value, labelled in every language the widgets speak. */
export interface CodedValue {
  readonly code: string;
  readonly en: string;
  readonly es: string;
}

export interface CodedDomain {
  readonly name: string;
  readonly values: readonly CodedValue[];
}

/** The views of the one service (ArcGIS hosted feature layer views). */
export type ViewName = 'source' | 'public' | 'officer';
export type Operation = 'query' | 'create' | 'update' | 'delete';

/** Who fills a field when nobody may type it. */
export type ServerSet = 'now' | 'user' | 'pending' | 'web' | 'confirm-due';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly alias: string;
  /** Maximum characters, strings only. */
  readonly length?: number;
  readonly domain?: CodedDomain;
  /** Comma-separated list of codes from `domain` (a multi-select stored as text). */
  readonly multi?: boolean;
  /** Inclusive range for numbers (an ArcGIS range domain). */
  readonly range?: readonly [number, number];
  readonly format?: 'email' | 'e164' | 'sha256' | 'reference';
  readonly nullable: boolean;
  /** A caller must supply it on create. */
  readonly required?: boolean;
  /** Clients may write it (at least through the source service). */
  readonly editable: boolean;
  readonly serverSet?: ServerSet;
  /** Views other than source that carry the field. */
  readonly views?: Partial<Record<Exclude<ViewName, 'source'>, true>>;
  /**
   * Personal contact details of a resident (who they are, how to reach them, where they
   * live). Officers read such fields only in small, audited searches.
   */
  readonly contact?: boolean;
}

export interface ViewAccess {
  readonly operations: readonly Operation[];
  /** Rows the view shows, in the where-clause subset (ArcGIS `viewDefinitionQuery`). */
  readonly definitionExpression?: string;
  /** Show a row only when the view shows its parent through this relationship id. */
  readonly visibleWithParent?: number;
}

export interface LayerDef {
  readonly id: number;
  readonly name: string;
  readonly kind: 'point' | 'table';
  readonly description: string;
  readonly displayField: string;
  readonly fields: readonly FieldDef[];
  readonly access: Partial<Record<ViewName, ViewAccess>>;
}

export interface RelationshipDef {
  readonly id: number;
  readonly name: string;
  readonly originLayerId: number;
  readonly destinationLayerId: number;
  readonly originKey: string;
  readonly destinationKey: string;
}
