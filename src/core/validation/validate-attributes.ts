import { normalizeCode, normalizeReference } from '../registration/registration-codes.js';
import { ANALYST_ONLY_CODES } from '../schema/domains.js';
import { SITES } from '../schema/registry-schema.js';
import type { FieldDef, LayerDef, ViewName } from '../schema/schema-types.js';
import { fieldsInView } from '../schema/views.js';

/** Why one field's value was refused; widgets turn each code into words. */
export const IssueCode = {
  Required: 'REQUIRED',
  UnknownField: 'UNKNOWN_FIELD',
  NotEditable: 'NOT_EDITABLE',
  WrongType: 'WRONG_TYPE',
  TooLong: 'TOO_LONG',
  NotInDomain: 'NOT_IN_DOMAIN',
  OutOfRange: 'OUT_OF_RANGE',
  InvalidEmail: 'INVALID_EMAIL',
  InvalidPhone: 'INVALID_PHONE',
  InvalidFormat: 'INVALID_FORMAT',
  ContactRequired: 'CONTACT_REQUIRED',
  BusinessNameRequired: 'BUSINESS_NAME_REQUIRED',
  PreferredContactMissing: 'PREFERRED_CONTACT_MISSING',
} as const;
export type IssueCode = (typeof IssueCode)[keyof typeof IssueCode];

export interface ValidationIssue {
  readonly field: string;
  readonly code: IssueCode;
  /** The limit that was broken (length, range bounds), for the message. */
  readonly limit?: readonly number[];
}

export type AttributeValue = string | number | null;
export type Attributes = Readonly<Record<string, unknown>>;

export type ValidationResult =
  | { readonly ok: true; readonly value: Record<string, AttributeValue> }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

export interface ValidateOptions {
  /** The view written through; its field list decides what is known. */
  readonly view: ViewName;
  /** `create` checks required fields and cross-field rules; `patch` only what is given. */
  readonly mode: 'create' | 'patch';
}

/** Longest address SMTP carries (RFC 5321 path limit less the angle brackets). */
const EMAIL_MAX_LENGTH = 254;
/** Longest local part (before the @) SMTP carries. */
const EMAIL_LOCAL_MAX_LENGTH = 64;
// A conservative addr-spec, because the address becomes a `mailto:` link on the officer's card:
// ASCII letters, digits and . _ % + - before the @ (no leading, trailing or double dot), then
// host-name labels and a letters-only top-level domain. Nothing that could start a query
// (`?subject=`), a second address (`,`) or quoting, however valid in RFC 5322.
const EMAIL =
  /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// Characters that are not shown but change what is shown, or cannot be stored as written:
// format controls (Cf: bidi embeddings, overrides and isolates, LRM, RLM, ALM, zero-width
// space, word joiner, BOM, tag characters), control characters (Cc) other than tab and line
// breaks, and lone surrogates. ZWNJ and ZWJ stay allowed: Persian and Indic spellings and
// emoji sequences need them, and they cannot reorder text.
const HIDDEN_CHARACTER = /(?![\t\n\r\u200C\u200D])[\p{Cf}\p{Cc}\p{Cs}]/u;
const E164 = /^\+[1-9]\d{7,14}$/;
const SHA256 = /^[0-9a-f]{64}$/;
// Crockford base32 without I, L, O, U: three groups of four, about 60 bits.
const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const GUID = /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/;

function isBlank(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
  );
}

function isEmailAddress(text: string): boolean {
  return (
    text.length <= EMAIL_MAX_LENGTH &&
    text.indexOf('@') <= EMAIL_LOCAL_MAX_LENGTH &&
    EMAIL.test(text)
  );
}

/** Coded values the view may not write: only analysts set them, through the source service. */
function analystOnly(field: FieldDef, codes: readonly string[], view: ViewName): boolean {
  if (view === 'source' || !field.domain) return false;
  const reserved = ANALYST_ONLY_CODES[field.domain.name] ?? [];
  return codes.some((code) => reserved.includes(code));
}

function checkFormat(field: FieldDef, text: string): ValidationIssue | undefined {
  switch (field.format) {
    case 'email':
      return isEmailAddress(text) ? undefined : { field: field.name, code: IssueCode.InvalidEmail };
    case 'e164':
      return E164.test(text) ? undefined : { field: field.name, code: IssueCode.InvalidPhone };
    case 'sha256':
      return SHA256.test(text) ? undefined : { field: field.name, code: IssueCode.InvalidFormat };
    case 'reference':
      return REFERENCE.test(normalizeReference(text))
        ? undefined
        : { field: field.name, code: IssueCode.InvalidFormat };
    case undefined:
      return undefined;
  }
}

/** Checks one value against its field; returns the normalized value or the problem. */
function checkValue(
  field: FieldDef,
  raw: unknown,
  view: ViewName,
): AttributeValue | ValidationIssue {
  if (isBlank(raw)) return null;
  const name = field.name;
  switch (field.type) {
    case 'string': {
      if (typeof raw !== 'string') return { field: name, code: IssueCode.WrongType };
      // Refused, never stripped: what is stored is what was sent, or nothing.
      if (HIDDEN_CHARACTER.test(raw)) return { field: name, code: IssueCode.InvalidFormat };
      const text = raw.trim();
      if (field.length !== undefined && text.length > field.length) {
        return { field: name, code: IssueCode.TooLong, limit: [field.length] };
      }
      if (field.domain) {
        const codes = field.multi ? text.split(',').map((part) => part.trim()) : [text];
        const known = new Set(field.domain.values.map((value) => value.code));
        if (codes.some((code) => !known.has(code)) || new Set(codes).size !== codes.length) {
          return { field: name, code: IssueCode.NotInDomain };
        }
        if (analystOnly(field, codes, view)) return { field: name, code: IssueCode.NotEditable };
        return codes.join(',');
      }
      return (
        checkFormat(field, text) ?? (field.format === 'reference' ? normalizeReference(text) : text)
      );
    }
    case 'guid':
    case 'globalId': {
      if (typeof raw !== 'string' || !GUID.test(raw.trim())) {
        return { field: name, code: IssueCode.InvalidFormat };
      }
      return normalizeGuid(raw);
    }
    case 'oid':
    case 'integer':
    case 'smallInteger':
    case 'double':
    case 'date': {
      const number = typeof raw === 'number' ? raw : Number.NaN;
      if (!Number.isFinite(number)) return { field: name, code: IssueCode.WrongType };
      if (field.type !== 'double' && !Number.isInteger(number)) {
        return { field: name, code: IssueCode.WrongType };
      }
      if (field.range && (number < field.range[0] || number > field.range[1])) {
        return { field: name, code: IssueCode.OutOfRange, limit: field.range };
      }
      return number;
    }
  }
}

/** `{UPPER-CASE}` as ArcGIS writes GlobalIDs and GUIDs. */
export function normalizeGuid(text: string): string {
  const bare = text
    .trim()
    .replace(/^\{|\}$/g, '')
    .toUpperCase();
  return `{${bare}}`;
}

/** Rules that tie fields together; run on a whole record (create, or a merged update). */
export function crossFieldIssues(
  layer: LayerDef,
  record: Readonly<Record<string, unknown>>,
): ValidationIssue[] {
  if (layer.name !== 'Sites') return [];
  const issues: ValidationIssue[] = [];
  const hasPhone = !isBlank(record.phone);
  const hasEmail = !isBlank(record.email);
  if (!hasPhone && !hasEmail) {
    issues.push({ field: 'phone', code: IssueCode.ContactRequired });
  }
  if (
    !isBlank(record.site_type) &&
    record.site_type !== 'residence' &&
    isBlank(record.business_name)
  ) {
    issues.push({ field: 'business_name', code: IssueCode.BusinessNameRequired });
  }
  const preferred = record.preferred_contact;
  if (
    ((preferred === 'phone' || preferred === 'sms') && !hasPhone) ||
    (preferred === 'email' && !hasEmail)
  ) {
    issues.push({ field: 'preferred_contact', code: IssueCode.PreferredContactMissing });
  }
  return issues;
}

/**
 * Validates attributes for one feature written through `view`, listing every problem
 * by field. Resident mistakes are data, so nothing throws.
 */
export function validateAttributes(
  layer: LayerDef,
  attributes: Attributes,
  options: ValidateOptions,
): ValidationResult {
  const fields = fieldsInView(layer, options.view);
  const byName = new Map(fields.map((field) => [field.name.toLowerCase(), field]));
  const issues: ValidationIssue[] = [];
  const value: Record<string, AttributeValue> = {};

  for (const [name, raw] of Object.entries(attributes)) {
    const field = byName.get(name.toLowerCase());
    if (!field) {
      issues.push({ field: name, code: IssueCode.UnknownField });
      continue;
    }
    if (!field.editable) {
      // ArcGIS ignores values sent for system fields rather than failing the edit.
      continue;
    }
    const checked = checkValue(field, raw, options.view);
    if (checked !== null && typeof checked === 'object') issues.push(checked);
    // An update may not blank what a create must give (ArcGIS refuses nulls in such fields).
    else if (isBlank(checked) && (field.required || !field.nullable))
      issues.push({ field: field.name, code: IssueCode.Required });
    // A stored reference keeps the characters it was given (case, spaces and dashes aside):
    // `QGIS` is refused rather than stored as `QG1S` without a word. Look-ups
    // (ChangeRequests, typed by residents) stay tolerant of look-alike letters.
    else if (
      field.format === 'reference' &&
      layer.name === SITES.name &&
      typeof raw === 'string' &&
      normalizeCode(raw) !== raw.toUpperCase().replace(/[\s-]/g, '')
    )
      issues.push({ field: field.name, code: IssueCode.InvalidFormat });
    else value[field.name] = checked;
  }

  if (options.mode === 'create') {
    for (const field of fields) {
      if (
        field.required &&
        isBlank(value[field.name]) &&
        !issues.some((i) => i.field === field.name)
      ) {
        issues.push({ field: field.name, code: IssueCode.Required });
      }
    }
    issues.push(...crossFieldIssues(layer, value));
  }
  return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}
