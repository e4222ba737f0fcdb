/** The transparency report: suppression at its threshold, the tables it counts, its CSV. */
import { describe, expect, it } from 'vitest';
import {
  buildTransparencyReport,
  monthOf,
  publishCount,
  reportTableCsv,
  SUPPRESSED,
  SUPPRESSION_THRESHOLD,
} from '../../src/core/report/transparency-report.js';

const JULY = Date.UTC(2026, 6, 10);
const AUGUST = Date.UTC(2026, 7, 31, 23, 59);
const times = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i));

describe('publishCount', () => {
  it('publishes zero, suppresses 1 to 4, publishes 5 and more', () => {
    expect(SUPPRESSION_THRESHOLD).toBe(5);
    expect(SUPPRESSED).toBe('<5');
    expect([0, 1, 4, 5, 6].map(publishCount)).toEqual([0, '<5', '<5', 5, 6]);
  });
  it('refuses what is not a count', () => {
    expect(() => publishCount(-1)).toThrow(RangeError);
    expect(() => publishCount(1.5)).toThrow(RangeError);
  });
});

describe('buildTransparencyReport', () => {
  const sites = [
    ...times(6, (i) => ({
      GlobalID: `s${i}`,
      district: '1',
      status: 'verified',
      CreationDate: JULY,
    })),
    ...times(2, (i) => ({
      GlobalID: `t${i}`,
      district: null,
      status: 'pending',
      CreationDate: AUGUST,
    })),
    ...times(5, (i) => ({
      GlobalID: `e${i}`,
      district: '2',
      status: 'expired',
      CreationDate: JULY,
      confirm_due_at: AUGUST,
    })),
  ];
  const report = buildTransparencyReport(
    {
      sites,
      cameras: [
        ...times(7, () => ({ site_guid: 's0', CreationDate: JULY, status: 'active' })),
        ...times(3, () => ({ site_guid: 's1', CreationDate: JULY, status: 'removed' })),
        { site_guid: 'gone', CreationDate: JULY, status: 'active' },
      ],
      searches: [
        ...times(5, () => ({ purpose: 'missing_person', CreationDate: AUGUST })),
        ...times(4, () => ({ purpose: 'traffic_crash', CreationDate: AUGUST })),
      ],
      contacts: times(9, (i) => ({ outcome: i < 8 ? 'footage_received' : 'declined' })),
      changeRequests: [
        {
          request_type: 'withdraw',
          request_status: 'pending',
          processed_at: null,
          CreationDate: JULY,
        },
        // Refused (a wrong code, or a reference already withdrawn): not counted.
        {
          request_type: 'withdraw',
          request_status: 'rejected',
          processed_at: AUGUST,
          CreationDate: AUGUST,
        },
      ],
    },
    Date.UTC(2026, 8, 1),
  );
  const table = (id: string) => report.tables.find((t) => t.id === id)?.rows;

  it('counts registrations by district (or unassigned) and month, suppressing small cells', () => {
    expect(table('registrations_by_district_month')).toEqual([
      ['1', '2026-07', 6],
      ['2', '2026-07', 5],
      ['unassigned', '2026-08', '<5'],
    ]);
  });

  it('counts cameras in service in their site’s district', () => {
    expect(table('cameras_by_district_month')).toEqual([
      ['1', '2026-07', 7],
      ['unassigned', '2026-07', '<5'],
    ]);
  });

  it('counts searches by purpose and month, contacts by outcome', () => {
    expect(table('searches_by_purpose_month')).toEqual([
      ['missing_person', '2026-08', 5],
      ['traffic_crash', '2026-08', '<5'],
    ]);
    expect(table('contacts_by_outcome')).toEqual([
      ['declined', '<5'],
      ['footage_received', 8],
    ]);
  });

  it('counts expiries by due month and withdrawal requests still waiting, not refused ones', () => {
    expect(table('withdrawals_expiries_by_month')).toEqual([
      ['expired', '2026-08', 5],
      ['withdrawal_requested', '2026-07', '<5'],
    ]);
    expect(report.generatedAt).toBe('2026-09-01T00:00:00.000Z');
    expect(monthOf(null)).toBe('unknown');
  });

  it('counts withdrawals carried out by the month they were carried out, suppressed below 5', () => {
    const SEPTEMBER = Date.UTC(2026, 8, 1, 0, 0);
    const applied = (processedAt: number, CreationDate = JULY) => ({
      request_type: 'withdraw',
      request_status: 'applied',
      processed_at: processedAt,
      CreationDate,
    });
    const endings = buildTransparencyReport(
      {
        sites: [{ GlobalID: 'w', district: '1', status: 'withdrawn', EditDate: JULY }],
        cameras: [],
        searches: [],
        contacts: [],
        changeRequests: [
          // Sent in July, carried out at the end of August: counted in August.
          ...times(4, () => applied(AUGUST)),
          ...times(5, () => applied(SEPTEMBER, AUGUST)),
          ...times(6, () => applied(JULY)),
          // Other requests carried out are not withdrawals.
          ...times(5, () => ({ ...applied(JULY), request_type: 'reconfirm' })),
          // Refused withdrawals (a wrong code, a reference already withdrawn) are not counted.
          ...times(5, () => ({ ...applied(JULY), request_status: 'rejected' })),
        ],
      },
      Date.UTC(2026, 9, 1),
    ).tables.find((t) => t.id === 'withdrawals_expiries_by_month')?.rows;
    expect(endings).toEqual([
      ['withdrawal_carried_out', '2026-07', 6],
      ['withdrawal_carried_out', '2026-08', '<5'],
      ['withdrawal_carried_out', '2026-09', 5],
      ['withdrawn', '2026-07', '<5'],
    ]);
    const withoutDate = buildTransparencyReport(
      {
        sites: [],
        cameras: [],
        searches: [],
        contacts: [],
        changeRequests: times(5, () => ({ ...applied(JULY), processed_at: null })),
      },
      Date.UTC(2026, 9, 1),
    ).tables.find((t) => t.id === 'withdrawals_expiries_by_month')?.rows;
    expect(withoutDate).toEqual([['withdrawal_carried_out', 'unknown', 5]]);
  });

  it('writes CSV with a header and quotes only where needed', () => {
    const csv = reportTableCsv({
      id: 'x',
      title: 'x',
      columns: ['district', 'n'],
      rows: [
        ['North, "old"', 5],
        ['2', '<5'],
      ],
    });
    expect(csv).toBe('district,n\r\n"North, ""old""",5\r\n2,<5\r\n');
  });
});
