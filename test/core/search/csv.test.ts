import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../src/core/search/csv.js';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    // A phone or a signed number is read as a number, never as a formula: written as is.
    ['+18165552468', '+18165552468'],
    ['-12.5', '-12.5'],
    ['+1 816 555 2468', "'+1 816 555 2468"],
    ['+1816555+1', "'+1816555+1"],
    ['-2+3', "'-2+3"],
    ['+', "'+"],
    ['-', "'-"],
    ['+1.', "'+1."],
    ['=1', "'=1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['say "hi"', '"say ""hi"""'],
    ['', ''],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers as numbers, even negative ones, and nothing for null', () => {
    expect(csvCell(-94.4155)).toBe('-94.4155');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('toCsv', () => {
  it('round-trips through a real CSV parser, formulas neutralized', () => {
    const rows = [
      ['Name', 'Phone', 'Note'],
      ['García, Ana', '+18165550101', 'Said "call after 5"\nback door'],
      ['=cmd|calc', '@x', -3],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parse(text, { relax_column_count: false }) as string[][];
    expect(parsed).toEqual([
      ['Name', 'Phone', 'Note'],
      ['García, Ana', '+18165550101', 'Said "call after 5"\nback door'],
      ["'=cmd|calc", "'@x", '-3'],
    ]);
  });
});
