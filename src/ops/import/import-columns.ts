/**
 * The columns of an import sheet: one row per paper form (one registration), its site
 * fields, optional coordinates, and the cameras as repeated column groups (`camera1_label`,
 * `camera1_mount`, ... `camera2_label`, ...). A header names a column by its field name or its
 * alias, in English or Spanish, ignoring case, accents, spaces and punctuation.
 */
import { CAMERAS, SITES } from '../../core/schema/registry-schema.js';
import type { FieldDef, LayerDef } from '../../core/schema/schema-types.js';
import { findField } from '../../core/schema/views.js';

/** Coordinates a sheet may give instead of an address the geocoder can place. */
export const COORDINATE_COLUMNS = ['longitude', 'latitude'] as const;
export type CoordinateColumn = (typeof COORDINATE_COLUMNS)[number];

/** Site fields a sheet carries, in template order. */
export const SITE_COLUMNS = [
  'form_number',
  'consent_version',
  'site_type',
  'business_name',
  'contact_name',
  'contact_role',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'share_willingness',
  'address',
  'unit',
] as const;
export type SiteColumn = (typeof SITE_COLUMNS)[number];

/** Camera fields a sheet carries for each camera, in template order. */
export const CAMERA_COLUMNS = [
  'label',
  'mount',
  'form',
  'view_bearing',
  'fov_deg',
  'range_m',
  'coverage',
  'recording_mode',
  'retention_days',
  'storage',
  'can_export',
] as const;
export type CameraColumn = (typeof CAMERA_COLUMNS)[number];

/** Camera column groups the template offers (a sheet may carry more). */
export const TEMPLATE_CAMERAS = 3;
/** Most cameras one row may register (the public form's limit per registration). */
export const MAX_CAMERAS_PER_ROW = 20;

/** Spanish headers, beside the schema's English aliases. */
const SPANISH: Readonly<Record<string, string>> = {
  form_number: 'Número de formulario',
  consent_version: 'Versión del acuerdo',
  site_type: 'Tipo de lugar',
  business_name: 'Nombre del negocio u organización',
  contact_name: 'Nombre de contacto',
  contact_role: 'Función del contacto',
  phone: 'Teléfono',
  email: 'Correo electrónico',
  preferred_contact: 'Contacto preferido',
  preferred_language: 'Idioma preferido',
  best_hours: 'Mejor momento para contactarlo',
  share_willingness: 'Dispuesto a compartir video',
  address: 'Dirección',
  unit: 'Apartamento, unidad o local',
  longitude: 'Longitud',
  latitude: 'Latitud',
  label: 'Nombre',
  mount: 'Instalación',
  form: 'Tipo de cámara',
  view_bearing: 'Dirección (grados)',
  fov_deg: 'Campo de visión (grados)',
  range_m: 'Alcance útil (m)',
  coverage: 'Qué puede ver',
  recording_mode: 'Grabación',
  retention_days: 'Días que se guarda el video',
  storage: 'Almacenamiento',
  can_export: 'Puede exportar video',
};

const ENGLISH_EXTRA: Readonly<Record<CoordinateColumn, string>> = {
  longitude: 'Longitude',
  latitude: 'Latitude',
};

export type Language = 'en' | 'es';

/** What one column of a sheet fills. */
export type ColumnTarget =
  | { readonly kind: 'site'; readonly field: FieldDef }
  | { readonly kind: 'coordinate'; readonly name: CoordinateColumn }
  | { readonly kind: 'camera'; readonly camera: number; readonly field: FieldDef };

/** A target's name in reports: `phone`, `longitude`, `camera2_mount`. */
export function targetName(target: ColumnTarget): string {
  switch (target.kind) {
    case 'site':
      return target.field.name;
    case 'coordinate':
      return target.name;
    case 'camera':
      return `camera${target.camera}_${target.field.name}`;
  }
}

function fieldOf(layer: LayerDef, name: string): FieldDef {
  const field = findField(layer, name);
  if (!field) throw new RangeError(`${layer.name} has no field ${name}`);
  return field;
}

function siteHeader(name: SiteColumn | CoordinateColumn, language: Language): string {
  if (language === 'es') return SPANISH[name] as string;
  return name === 'longitude' || name === 'latitude'
    ? ENGLISH_EXTRA[name]
    : fieldOf(SITES, name).alias;
}

function cameraHeader(camera: number, name: CameraColumn, language: Language): string {
  return language === 'es'
    ? `Cámara ${camera} ${SPANISH[name] as string}`
    : `Camera ${camera} ${fieldOf(CAMERAS, name).alias}`;
}

/** One column as the template writes it. */
export interface TemplateColumn {
  readonly header: string;
  readonly target: ColumnTarget;
}

/** The template's columns, headed by the aliases in `language`. */
export function templateColumns(
  language: Language,
  cameras: number = TEMPLATE_CAMERAS,
): TemplateColumn[] {
  const columns: TemplateColumn[] = [];
  for (const name of SITE_COLUMNS) {
    columns.push({
      header: siteHeader(name, language),
      target: { kind: 'site', field: fieldOf(SITES, name) },
    });
    if (name === 'address') {
      // Coordinates sit beside the address they stand in for.
      for (const coordinate of COORDINATE_COLUMNS)
        columns.push({
          header: siteHeader(coordinate, language),
          target: { kind: 'coordinate', name: coordinate },
        });
    }
  }
  for (let camera = 1; camera <= cameras; camera += 1) {
    for (const name of CAMERA_COLUMNS)
      columns.push({
        header: cameraHeader(camera, name, language),
        target: { kind: 'camera', camera, field: fieldOf(CAMERAS, name) },
      });
  }
  return columns;
}

/** Lower case, no accents, letters and digits only: `Cámara 1 – Nombre` → `camara1nombre`. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Every spelling of a site or coordinate column, normalized. */
function siteSpellings(): Map<string, ColumnTarget> {
  const spellings = new Map<string, ColumnTarget>();
  for (const name of SITE_COLUMNS) {
    const target: ColumnTarget = { kind: 'site', field: fieldOf(SITES, name) };
    for (const text of [name, siteHeader(name, 'en'), siteHeader(name, 'es')])
      spellings.set(normalizeHeader(text), target);
  }
  for (const name of COORDINATE_COLUMNS) {
    const target: ColumnTarget = { kind: 'coordinate', name };
    for (const text of [name, siteHeader(name, 'en'), siteHeader(name, 'es')])
      spellings.set(normalizeHeader(text), target);
  }
  return spellings;
}

/** Every spelling of a camera field after its `cameraN` prefix, normalized. */
function cameraSpellings(): Map<string, FieldDef> {
  const spellings = new Map<string, FieldDef>();
  for (const name of CAMERA_COLUMNS) {
    const field = fieldOf(CAMERAS, name);
    for (const text of [name, field.alias, SPANISH[name] as string])
      spellings.set(normalizeHeader(text), field);
  }
  return spellings;
}

const SITE_SPELLINGS = siteSpellings();
const CAMERA_SPELLINGS = cameraSpellings();
const CAMERA_PREFIX = /^(?:camera|camara|cam)(\d{1,2})(.+)$/;

/** The column a header names, or undefined when it names none. */
export function columnOf(header: string): ColumnTarget | undefined {
  const key = normalizeHeader(header);
  if (key === '') return undefined;
  const site = SITE_SPELLINGS.get(key);
  if (site) return site;
  const match = CAMERA_PREFIX.exec(key);
  if (!match) return undefined;
  const camera = Number(match[1]);
  const field = CAMERA_SPELLINGS.get(match[2] as string);
  if (!field || camera < 1 || camera > MAX_CAMERAS_PER_ROW) return undefined;
  return { kind: 'camera', camera, field };
}

/** Which sheet column (0-based) fills each target, and what was left aside. */
export interface ColumnMap {
  /** Target name (`phone`, `camera2_mount`) → column index and the header as written. */
  readonly columns: ReadonlyMap<string, { readonly index: number; readonly header: string }>;
  readonly targets: ReadonlyMap<string, ColumnTarget>;
  /** Highest camera number with any column. */
  readonly cameras: number;
  /** Headers that name no column (ignored), as written. */
  readonly ignored: readonly string[];
  /** Targets named by more than one header: the sheet is ambiguous. */
  readonly repeated: readonly string[];
}

/** Matches a header row to the import's columns. */
export function mapColumns(headers: readonly string[]): ColumnMap {
  const columns = new Map<string, { index: number; header: string }>();
  const targets = new Map<string, ColumnTarget>();
  const ignored: string[] = [];
  const repeated: string[] = [];
  let cameras = 0;
  headers.forEach((header, index) => {
    if (header.trim() === '') return;
    const target = columnOf(header);
    if (!target) {
      ignored.push(header.trim());
      return;
    }
    const name = targetName(target);
    if (columns.has(name)) {
      if (!repeated.includes(name)) repeated.push(name);
      return;
    }
    columns.set(name, { index, header: header.trim() });
    targets.set(name, target);
    if (target.kind === 'camera') cameras = Math.max(cameras, target.camera);
  });
  return { columns, targets, cameras, ignored, repeated };
}

/** How many cells of a row name import columns (the header row is the first with several). */
export function headerScore(cells: readonly string[]): number {
  return cells.filter((cell) => columnOf(cell) !== undefined).length;
}
