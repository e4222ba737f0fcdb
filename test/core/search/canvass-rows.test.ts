import { describe, expect, it } from 'vitest';
import {
  CANVASS_COLUMNS,
  canvassRows,
  compassSector,
  type CanvassFormat,
} from '../../../src/core/search/canvass-rows.js';
import { toCsv } from '../../../src/core/search/csv.js';
import { rankCameras } from '../../../src/core/search/rank-cameras.js';
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
