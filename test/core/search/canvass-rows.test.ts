import { describe, expect, it } from 'vitest';
import {
  CANVASS_COLUMNS,
  canvassRows,
  canvassSheet,
  compassSector,
  SHEET_COLUMNS,
  type CanvassFormat,
  type CanvassSheetFormat,
} from '../../../src/core/search/canvass-rows.js';
import { toCsv } from '../../../src/core/search/csv.js';
import { rankCameras, SortKey, sortRanked } from '../../../src/core/search/rank-cameras.js';
import type { FoundCamera } from '../../../src/core/search/run-incident-search.js';

const SITE = '{00000000-0000-4000-8000-000000000001}';
const found: FoundCamera = {
  objectId: 7,
  globalId: '{00000000-0000-4000-8000-000000000007}',
  siteGlobalId: SITE,
  location: [-94.4155, 39.0871],
  viewBearingDegrees: 180,
  fovDegrees: 90,
  rangeMeters: 60,
  retentionDays: 7,
  attributes: { OBJECTID: 7, label: '=Front door', site_guid: SITE },
  site: {
    location: null,
    attributes: {
      GlobalID: SITE,
      contact_name: 'Ana García',
      contact_role: 'owner',
      phone: '+18165550101',
      email: 'ana@example.com',
      address: '1 Main St',
      unit: 'Apt 2',
      site_type: 'residence',
      best_hours: 'evening',
      last_confirmed_at: 0,
    },
  },
};

const format: CanvassFormat = {
  headers: Object.fromEntries(
    CANVASS_COLUMNS.map((c) => [c, c.toUpperCase()]),
  ) as CanvassFormat['headers'],
  visibility: (v) => `vis:${v}`,
  distance: (m) => Math.round(m),
  direction: (b) => `dir:${compassSector(b)}`,
  domain: (field, code) => (code ? `${field}:${code}` : ''),
  dateTime: (ms) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString()),
  date: (ms) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10)),
  footageStatus: (u) => `footage:${u}`,
};

describe('canvassRows', () => {
  it('writes one row per camera with its contact and latest outcome, CSV-safe', () => {
    const incidentAt = Date.UTC(2026, 10, 1);
    const ranked = rankCameras([found], {
      incident: [-94.4155, 39.0868],
      incidentAt,
      now: incidentAt,
    });
    const rows = canvassRows(
      ranked,
      new Map([[SITE, { outcome: 'declined', contactedAt: 1 }]]),
      format,
    );
    expect(rows[0]).toEqual(CANVASS_COLUMNS.map((c) => c.toUpperCase()));
    expect(rows[1]).toEqual([
      1,
      'vis:sees',
      33,
      'dir:0',
      '=Front door',
      'site_type:residence',
      '1 Main St, Apt 2',
      'Ana García',
      'contact_role:owner',
      '+18165550101',
      'ana@example.com',
      '',
      'best_hours:evening',
      '',
      '',
      new Date(incidentAt + 7 * 86_400_000).toISOString(),
      'footage:ok',
      '1970-01-01',
      'outcome:declined',
    ]);
    expect(toCsv(rows).split('\r\n')[1]).toContain(",'=Front door,");
    // A phone is written as dialled: no apostrophe (it is a number, never a formula).
    expect(toCsv(rows).split('\r\n')[1]).toContain(',+18165550101,');
  });

  it('maps bearings to eight compass sectors', () => {
    expect([0, 22.4, 22.5, 90, 180, 270, 337.5, 359.9, -45].map(compassSector)).toEqual([
      0, 0, 1, 2, 4, 6, 0, 0, 7,
    ]);
    expect(() => compassSector(Number.NaN)).toThrow(RangeError);
  });
});

const OTHER = '{00000000-0000-4000-8000-000000000002}';
const DAY = 86_400_000;

/** A camera of `site` at `location`, looking `bearing` (null: unknown) and keeping `days`. */
function cameraOf(
  objectId: number,
  site: FoundCamera['site'],
  location: readonly [number, number],
  view: { bearing: number | null; days: number | null; label: string },
): FoundCamera {
  return {
    ...found,
    objectId,
    globalId: `{00000000-0000-4000-8000-${String(objectId).padStart(12, '0')}}`,
    siteGlobalId: String(site.attributes.GlobalID),
    location: [location[0], location[1]],
    viewBearingDegrees: view.bearing,
    fovDegrees: view.bearing === null ? null : 90,
    rangeMeters: view.bearing === null ? null : 100,
    retentionDays: view.days,
    attributes: { OBJECTID: objectId, label: view.label, site_guid: site.attributes.GlobalID },
    site,
  };
}

const sheetFormat: CanvassSheetFormat = {
  headers: Object.fromEntries(
    SHEET_COLUMNS.map((c) => [c, c.toUpperCase()]),
  ) as CanvassSheetFormat['headers'],
  visibility: (v) => `vis:${v}`,
  cameraCount: (n) => `${n} cam`,
  place: (m, b) => `${Math.round(m)} m dir:${compassSector(b)}`,
  domain: (field, code) => (code ? `${field}:${code}` : ''),
  date: (ms) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10)),
  footageStatus: (u, deadline) => `footage:${u}:${deadline ?? 'none'}`,
};

describe('canvassSheet', () => {
  const incident: [number, number] = [-94.4155, 39.0868];
  const incidentAt = Date.UTC(2026, 10, 1);
  const home = found.site;
  const shop: FoundCamera['site'] = {
    location: null,
    attributes: {
      GlobalID: OTHER,
      business_name: 'Corner Deli',
      site_type: 'business',
      address: '4 Main St',
      contact_name: null,
      contact_role: 'manager_operator',
      phone: '+442071234567',
      preferred_language: 'es',
    },
  };
  // Home: one camera 33 m north looking at the incident (sees), one without a direction
  // 11 m north (maybe), one 22 m north looking away. Shop: one 20 m north that sees.
  const cameras = [
    cameraOf(1, home, [-94.4155, 39.0871], { bearing: 180, days: 7, label: 'Porch' }),
    cameraOf(2, home, [-94.4155, 39.0869], { bearing: null, days: 1, label: 'Drive' }),
    cameraOf(3, home, [-94.4155, 39.087], { bearing: 0, days: 0, label: 'Yard' }),
    cameraOf(4, shop, [-94.4155, 39.08698], { bearing: 180, days: null, label: 'Till' }),
  ];
  const ranked = rankCameras(cameras, { incident, incidentAt, now: incidentAt + DAY / 2 });

  it('writes one row per site, in the order of its best camera, with its cameras summarised', () => {
    expect(ranked.map((e) => e.camera.objectId)).toEqual([4, 1, 2, 3]);
    const sheet = canvassSheet(
      ranked,
      new Map([[SITE, { outcome: 'declined', contactedAt: Date.UTC(2026, 10, 2) }]]),
      sheetFormat,
    );
    expect(sheet.header).toEqual(SHEET_COLUMNS.map((c) => c.toUpperCase()));
    expect(sheet.rows.map((r) => r.siteGlobalId)).toEqual([OTHER, SITE]);
    const [shopRow, homeRow] = sheet.rows;
    expect(shopRow).toEqual({
      siteGlobalId: OTHER,
      dial: '+442071234567',
      cells: [
        1,
        'Corner Deli\n4 Main St',
        '1 cam: Till — vis:sees',
        '20 m dir:0',
        'footage:unknown:none',
        // No name: the role still says whom to ask for.
        'contact_role:manager_operator',
        // Outside North America the number stays as stored.
        '+442071234567',
        '',
        'preferred_language:es',
        '',
        '',
        '',
      ],
    });
    expect(homeRow).toEqual({
      siteGlobalId: SITE,
      dial: '+18165550101',
      cells: [
        2,
        'site_type:residence\n1 Main St, Apt 2',
        '3 cam: Porch — vis:sees; Drive — vis:maybe; Yard — vis:away',
        // The nearest camera, not the best one.
        '11 m dir:0',
        // The yard faces away, so its lost footage (0 days) is not the one shown: the drive's
        // day is the first to save among the cameras that may see it.
        `footage:urgent:${incidentAt + DAY}`,
        'Ana García (contact_role:owner)',
        '(816) 555-0101',
        'best_hours:evening',
        '',
        'outcome:declined, 2026-11-02',
        '',
        '',
      ],
    });
  });

  it('follows the list when it is sorted by distance, and shows the soonest loss when every camera faces away', () => {
    const byDistance = sortRanked(ranked, SortKey.Distance);
    expect(byDistance.map((e) => e.camera.objectId)).toEqual([2, 4, 3, 1]);
    const sheet = canvassSheet(byDistance, new Map(), sheetFormat);
    expect(sheet.rows.map((r) => r.siteGlobalId)).toEqual([SITE, OTHER]);
    expect(sheet.rows[0]?.cells[2]).toBe(
      '3 cam: Drive — vis:maybe; Yard — vis:away; Porch — vis:sees',
    );
    expect(sheet.rows[0]?.cells[9]).toBe('');

    const away = rankCameras([cameras[2] as FoundCamera], {
      incident,
      incidentAt,
      now: incidentAt + DAY / 2,
    });
    const awayRow = canvassSheet(away, new Map(), sheetFormat).rows[0];
    expect(awayRow?.cells[4]).toBe(`footage:probably_gone:${incidentAt}`);
  });

  it('leaves cells blank for what the site did not give, and has no rows for no cameras', () => {
    const bare: FoundCamera['site'] = {
      location: null,
      attributes: { GlobalID: SITE, site_type: 'other', contact_name: 'Pat' },
    };
    const pole = cameraOf(9, bare, [-94.4155, 39.0871], { bearing: 180, days: 7, label: '' });
    const only = rankCameras([{ ...pole, attributes: { OBJECTID: 9, site_guid: SITE } }], {
      incident,
      incidentAt,
      now: incidentAt,
    });
    const sheet = canvassSheet(
      only,
      new Map([[SITE, { outcome: 'no_answer', contactedAt: null }]]),
      sheetFormat,
    );
    expect(sheet.rows[0]).toMatchObject({ dial: null });
    // No address, no label: what is known still reads well.
    expect(sheet.rows[0]?.cells.slice(1, 3)).toEqual(['site_type:other', '1 cam: vis:sees']);
    // A name without a role; no phone, hours or language; an outcome logged with no time.
    expect(sheet.rows[0]?.cells.slice(5, 10)).toEqual(['Pat', '', '', '', 'outcome:no_answer']);
    expect(canvassSheet([], new Map(), sheetFormat)).toEqual({
      header: SHEET_COLUMNS.map((c) => c.toUpperCase()),
      rows: [],
    });
  });
});
