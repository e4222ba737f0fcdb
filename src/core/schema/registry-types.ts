import type {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  REVIEW_LOG,
  SEARCH_AUDIT,
  SITES,
} from './registry-schema.js';
import type { FieldType } from './schema-types.js';

/** The TypeScript value each field type holds on the wire (dates are epoch milliseconds). */
interface ValueOfType {
  oid: number;
  globalId: string;
  guid: string;
  string: string;
  integer: number;
  smallInteger: number;
  double: number;
  date: number;
}

type FieldsOf<L> = L extends { readonly fields: readonly (infer F)[] } ? F : never;

/** Attributes of one feature of layer `L`, every field optional and nullable, as on the wire. */
export type AttributesOf<L> = {
  -readonly [F in FieldsOf<L> as F extends { name: infer N extends string } ? N : never]?:
    (F extends { type: infer T extends FieldType } ? ValueOfType[T] : never) | null;
};

export type SiteAttributes = AttributesOf<typeof SITES>;
export type CameraAttributes = AttributesOf<typeof CAMERAS>;
export type ContactLogAttributes = AttributesOf<typeof CONTACT_LOG>;
export type SearchAuditAttributes = AttributesOf<typeof SEARCH_AUDIT>;
export type ChangeRequestAttributes = AttributesOf<typeof CHANGE_REQUESTS>;
export type ReviewLogAttributes = AttributesOf<typeof REVIEW_LOG>;
export type SiteField = keyof SiteAttributes;
export type CameraField = keyof CameraAttributes;
