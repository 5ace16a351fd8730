// Migration 0003 (trusted submissions) on a database that already holds data: existing rows get true values,
// not the migration's time (a prediction's receive time is its latest write; a region closes at its target time),
// and a miner's public key waits for the next metagraph sync.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, migrate, type Database } from '../../lib/db';
import { syncMetagraph } from '../../lib/validator';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { hotkeyOf, MIGRATIONS, quietLogger } from './fixtures';

/** A copy of drizzle/ whose journal stops before 0003: the database as it was deployed before this change. */
function migrationsBefore0003(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gaia-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag < '0003');
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe('migration 0003 on a database with data', () => {
  let tdb: TestDatabase;
  let db: Database;
  let oldFolder: string;
  const sql = (text: string) => adminQuery(text, [], tdb.name);

  beforeAll(async () => {
    tdb = await createTestDatabase('migrate_0003');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: quietLogger, env: {} });
    oldFolder = migrationsBefore0003();
    await migrate(db, { migrationsFolder: oldFolder });
    await sql(`INSERT INTO miners (uid, hotkey) VALUES (1, '${hotkeyOf(1)}')`);
    await sql(`INSERT INTO soil_regions (region_date, target_time, bbox, sentinel_bounds, sentinel_crs)
               VALUES ('2025-01-01', '2025-01-01T13:30:00Z', '[0,0,1,1]', '{0,0,1,1}', 32611)`);
    await sql(`INSERT INTO soil_predictions (region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm, sentinel_bounds, sentinel_crs, created_at)
               SELECT id, 1, '${hotkeyOf(1)}', target_time, array_fill(0.1::float8, ARRAY[121]), array_fill(0.2::float8, ARRAY[121]), '{0,0,1,1}', 32611, '2024-12-31T10:00:00Z'
               FROM soil_regions`);
    await sql(`INSERT INTO geo_predictions (miner_uid, miner_hotkey, query_time, predicted_value, created_at, updated_at)
               VALUES (1, '${hotkeyOf(1)}', '2025-01-01T12:00:00Z', -0.5, '2025-01-01T10:00:00Z', '2025-01-01T10:30:00Z')`);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
    rmSync(oldFolder, { recursive: true, force: true });
  });

  it('backfills closes_at and received_at from what the rows already say; public keys come with the next sync', async () => {
    // Act
    const result = await migrate(db, { migrationsFolder: MIGRATIONS });
    // Assess
    expect(result.applied.map((m) => m.tag)).toEqual(['0003_trusted_submissions']);
    expect(await sql(`SELECT closes_at = target_time AS same FROM soil_regions`)).toEqual([{ same: true }]);
    expect(await sql(`SELECT received_at = created_at AS same FROM soil_predictions`)).toEqual([{ same: true }]);
    expect(await sql(`SELECT received_at = updated_at AS same FROM geo_predictions`)).toEqual([{ same: true }]);
    expect(await sql(`SELECT public_key FROM miners`)).toEqual([{ public_key: null }]);
    await db.session((s) => syncMetagraph(s, [{ uid: 1, hotkey: hotkeyOf(1) }]));
    expect(await sql(`SELECT octet_length(public_key) AS n FROM miners`)).toEqual([{ n: 32 }]);
  });
});
