import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { viewDefinition } from '../../src/server/query/view-definition.js';
import { compileWhere } from '../../src/server/query/where-compiler.js';

// A clause compiled again (the officer view's definitions on every query) reuses its parse;
// what depends on the request (now, the user, the fields) must still come from the request.
describe('compileWhere on a clause it has seen before', () => {
  const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

  it('binds CURRENT_TIMESTAMP to each call’s now', () => {
    const clause = "status = 'verified' AND confirm_due_at > CURRENT_TIMESTAMP";
    const first = compileWhere(clause, SITES.fields, { now: NOW });
    const second = compileWhere(clause, SITES.fields, { now: NOW + 60_000 });
    expect(first.params).toEqual(['verified', NOW]);
    expect(second.params).toEqual(['verified', NOW + 60_000]);
    expect(second.sql).toBe(first.sql);
  });

  it('binds CURRENT_USER to each call’s user, and refuses it where none is given', () => {
    const clause = 'Creator = CURRENT_USER';
    expect(compileWhere(clause, SITES.fields, { currentUser: 'officer1' }).params).toEqual([
      'officer1',
    ]);
    expect(compileWhere(clause, SITES.fields, { currentUser: 'officer2' }).params).toEqual([
      'officer2',
    ]);
    expect(() => compileWhere(clause, SITES.fields)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidInput }),
    );
  });

  it('checks field names against each call’s fields', () => {
    const clause = "business_name = 'Corner Store'";
    expect(compileWhere(clause, SITES.fields).fields).toEqual(['business_name']);
    expect(() => compileWhere(clause, CAMERAS.fields)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidInput }),
    );
  });

  it('refuses a malformed clause every time it comes', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => compileWhere("status = 'verified' AND", SITES.fields)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidInput }),
      );
    }
  });

  it('compiles correctly past the number of clauses it keeps (256), and after', () => {
    const clause = (n: number) => `OBJECTID = ${n}`;
    for (let n = 0; n <= 300; n++) {
      expect(compileWhere(clause(n), SITES.fields).params).toEqual([n]);
    }
    expect(compileWhere(clause(0), SITES.fields).params).toEqual([0]);
    expect(compileWhere(clause(300), SITES.fields).params).toEqual([300]);
  });

  it("gives the officer view's camera definition the now of each query", () => {
    const first = viewDefinition(CAMERAS, 'officer', NOW);
    const later = viewDefinition(CAMERAS, 'officer', NOW + 86_400_000);
    expect(later.sql).toBe(first.sql);
    expect(first.params).toContain(NOW);
    expect(later.params).toContain(NOW + 86_400_000);
    expect(later.params).not.toContain(NOW);
  });
});
