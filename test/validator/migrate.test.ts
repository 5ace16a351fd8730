// migrate(): all pending migrations in one transaction, serialized across runners, recorded in drizzle's
// table so a second run (ours or drizzle's own migrator) is a no-op.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, migrate } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { MIGRATIONS, PGLITE_TEST_LIMITS, quietLogger } from './fixtures';
import journal from '../../drizzle/meta/_journal.json';

const MIGRATION_COUNT = journal.entries.length;
const dropLater: TestDatabase[] = [];
afterEach(async () => {
  for (const t of dropLater.splice(0)) await t.drop();
});

const open = (tdb: TestDatabase) => createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: quietLogger, env: {} });
const appliedRows = (tdb: TestDatabase) => adminQuery<{ hash: string }>('SELECT hash FROM drizzle.__drizzle_migrations ORDER BY id', [], tdb.name);

describe('migrate on PostgreSQL', () => {
  it('applies every migration once; a second run is a no-op', async () => {
    // Prepare
    const tdb = await createTestDatabase('migrate');
    dropLater.push(tdb);
    const db = open(tdb);
    try {
      // Act
      const first = await migrate(db, { migrationsFolder: MIGRATIONS });
      const second = await migrate(db, { migrationsFolder: MIGRATIONS });
      // Assess
      expect(first.applied.map((m) => m.tag)).toEqual(journal.entries.map((e) => e.tag));
      expect(first.alreadyApplied).toBe(0);
      expect(second).toEqual({ applied: [], alreadyApplied: MIGRATION_COUNT });
      expect((await appliedRows(tdb)).map((r) => r.hash)).toEqual(first.applied.map((m) => m.hash));
      const tables = await adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'", [], tdb.name);
      expect(tables[0]!.n).toBe(12);
    } finally {
      await db.close();
    }
  });

  it('serializes concurrent runners: one applies, the others find nothing to do', async () => {
    // Prepare: four containers starting at once on a fresh database
    const tdb = await createTestDatabase('migrate_race');
    dropLater.push(tdb);
    const dbs = [open(tdb), open(tdb), open(tdb), open(tdb)];
    try {
      // Act
      const results = await Promise.all(dbs.map((db) => migrate(db, { migrationsFolder: MIGRATIONS })));
      // Assess
      const appliers = results.filter((r) => r.applied.length > 0);
      expect(appliers).toHaveLength(1);
      expect(appliers[0]!.applied).toHaveLength(MIGRATION_COUNT);
      expect(results.filter((r) => r.applied.length === 0 && r.alreadyApplied === MIGRATION_COUNT)).toHaveLength(3);
      expect(await appliedRows(tdb)).toHaveLength(MIGRATION_COUNT);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it("recognises a database migrated by drizzle's own migrator", async () => {
    // Prepare
    const tdb = await createTestDatabase('migrate_compat');
    dropLater.push(tdb);
    const client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    try {
      await drizzleMigrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.end();
    }
    const db = open(tdb);
    try {
      // Act
      const result = await migrate(db, { migrationsFolder: MIGRATIONS });
      // Assess
      expect(result).toEqual({ applied: [], alreadyApplied: MIGRATION_COUNT });
      expect(await appliedRows(tdb)).toHaveLength(MIGRATION_COUNT);
    } finally {
      await db.close();
    }
  });

  it('rolls back everything when a migration fails half-way', async () => {
    // Prepare: a table the first migration will try to create already exists
    const tdb = await createTestDatabase('migrate_fail');
    dropLater.push(tdb);
    await adminQuery('CREATE TABLE weights (x int)', [], tdb.name);
    const db = open(tdb);
    try {
      // Act
      const failure = await migrate(db, { migrationsFolder: MIGRATIONS }).catch((e: unknown) => e);
      // Assess: an error, no table of the migration and no record left behind
      expect(failure).toBeInstanceOf(Error);
      const tables = await adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'", [], tdb.name);
      expect(tables[0]!.n).toBe(1);
      const schema = await adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'drizzle'", [], tdb.name);
      expect(schema[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe('migrate on PGlite', () => {
  it('applies every migration once; a second run is a no-op', async () => {
    // Prepare
    const db = createDatabase({ driver: 'pglite', logger: quietLogger, ...PGLITE_TEST_LIMITS, env: {} });
    try {
      // Act
      const first = await migrate(db, { migrationsFolder: MIGRATIONS });
      const second = await migrate(db, { migrationsFolder: MIGRATIONS });
      // Assess
      expect(first.applied).toHaveLength(MIGRATION_COUNT);
      expect(second).toEqual({ applied: [], alreadyApplied: MIGRATION_COUNT });
      const rows = await db.session((s) => s.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations'));
      expect(rows.rows[0]!.n).toBe(MIGRATION_COUNT);
    } finally {
      await db.close();
    }
  });
});
