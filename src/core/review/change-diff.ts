/**
 * What a resident's held change would change: the payload of a ChangeRequests row
 * (`ChangeRequestPayload`) against the site as stored, field by field.
 */
import type { ChangeRequestPayload } from '../registration/change-request.js';

/** One changed field; `before` and `after` are stored values (codes, not labels). */
export interface ChangeRow {
  /** A Sites field name, `location`, or `cameras`. */
  readonly field: string;
  readonly before: string | number | null;
  readonly after: string | number | null;
}

/** A payload that is not valid JSON or not an object: shown as such, never guessed at. */
export type ChangeDiff =
  { readonly ok: true; readonly rows: readonly ChangeRow[] } | { readonly ok: false };

function stored(value: unknown): string | number | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value);
}

function point(p: { x: number; y: number } | null | undefined): string | null {
  return p ? `${p.y.toFixed(6)}, ${p.x.toFixed(6)}` : null;
}

/**
 * The rows that differ between `payloadText` and the stored site (and its camera labels).
 * Fields the payload leaves out are unchanged and not listed; a camera list, when the payload
 * restates it, is one row of labels before and after.
 */
export function changeDiff(
  payloadText: string | null | undefined,
  site: Readonly<Record<string, unknown>>,
  siteLocation: { x: number; y: number } | null,
  cameraLabels: readonly string[],
): ChangeDiff {
  let payload: ChangeRequestPayload;
  try {
    const parsed: unknown = JSON.parse(payloadText ?? '');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { ok: false };
    payload = parsed as ChangeRequestPayload;
  } catch {
    return { ok: false };
  }
  const rows: ChangeRow[] = [];
  for (const [field, value] of Object.entries(payload.site ?? {})) {
    const before = stored(site[field]);
    const after = stored(value);
    if (before !== after) rows.push({ field, before, after });
  }
  if (payload.location) {
    const before = point(siteLocation);
    const after = point(payload.location);
    if (before !== after) rows.push({ field: 'location', before, after });
  }
  if (payload.cameras) {
    const before = cameraLabels.join(', ');
    const after = payload.cameras.map((c) => String(c.attributes.label ?? '')).join(', ');
    if (before !== after || payload.cameras.length !== cameraLabels.length)
      rows.push({ field: 'cameras', before: before || null, after: after || null });
  }
  return { ok: true, rows };
}
