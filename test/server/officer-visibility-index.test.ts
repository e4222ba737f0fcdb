import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CAMERAS } from '../../src/core/schema/registry-schema.js';
import { openDatabase, type Database } from '../../src/server/db/open-database.js';
import { viewDefinition } from '../../src/server/query/view-definition.js';

const INDEX = 'sites_GlobalID_status_confirm_due_at';

function siteIndexes(db: Database): string[] {
  return (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sites'")
      .all() as { name: string }[]
  ).map((row) => row.name);
}

// The officer view checks each candidate camera's site (verified, not expired) by GlobalID;
// the index holding those columns answers it without reading the site's row.
describe('the index behind the officer view’s site check', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is created on a new database and again on one made before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccr-visibility-index-'));
    dirs.push(dir);
    const file = join(dir, 'registry.sqlite');
    let db = openDatabase(file);
    expect(siteIndexes(db)).toContain(INDEX);
    db.exec(`DROP INDEX ${INDEX}`);
    expect(siteIndexes(db)).not.toContain(INDEX);
    db.close();
    db = openDatabase(file);
    expect(siteIndexes(db)).toContain(INDEX);
    db.close();
  });

  it('answers the site check of a camera search from the index alone', () => {
    const db = openDatabase(':memory:');
    const definition = viewDefinition(CAMERAS, 'officer', Date.now());
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT t."OBJECTID" FROM cameras_rtree r CROSS JOIN cameras t ON t."OBJECTID" = r.id
           WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND (${definition.sql})`,
        )
        .all(1, 0, 1, 0, ...definition.params) as { detail: string }[]
    ).map((row) => row.detail);
    expect(plan).toContainEqual(expect.stringContaining(`USING COVERING INDEX ${INDEX}`));
    db.close();
  });
});
