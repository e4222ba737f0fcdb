import { describe, expect, it } from 'vitest';
import { inClauses, normalizeGuid, sqlString } from '../../../src/core/search/where-clauses.js';

describe('where clauses', () => {
  it('quotes strings', () => {
    expect(sqlString("O'Brien")).toBe("'O''Brien'");
  });
  it('normalizes GUIDs to ArcGIS form', () => {
    expect(normalizeGuid('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).toBe(
      '{3F2504E0-4F89-41D3-9A0C-0305E82C3301}',
    );
    expect(normalizeGuid('{3F2504E0-4F89-41D3-9A0C-0305E82C3301}')).toBe(
      '{3F2504E0-4F89-41D3-9A0C-0305E82C3301}',
    );
    expect(normalizeGuid('nope')).toBeNull();
    expect(normalizeGuid(null)).toBeNull();
  });
  it('splits long IN lists into clauses within the length limit, covering every value once', () => {
    const ids = Array.from(
      { length: 500 },
      (_, i) => `{00000000-0000-4000-8000-${String(i).padStart(12, '0')}}`,
    );
    const clauses = inClauses('GlobalID', [...ids, ids[0] as string], 1000);
    expect(clauses.length).toBeGreaterThan(10);
    for (const clause of clauses) {
      expect(clause.length).toBeLessThanOrEqual(1000);
      expect(clause).toMatch(/^GlobalID IN \('.+'\)$/);
    }
    const values = clauses.flatMap((c) => [...c.matchAll(/'([^']+)'/g)].map((m) => m[1]));
    expect(values).toEqual(ids);
    expect(inClauses('GlobalID', [])).toEqual([]);
  });
  it('refuses a bad field name or an oversized value', () => {
    expect(() => inClauses('x; drop', ['a'])).toThrow(RangeError);
    expect(() => inClauses('f', ['x'.repeat(50)], 20)).toThrow(RangeError);
  });
});
