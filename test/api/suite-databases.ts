// The databases the route suites run on: each opens the handlers' shared database on it, migrated, and gives a way
// to read what the handlers stored.
import { adminQuery, createTestDatabase } from '../support/postgres';

export type SuiteDatabase = {
  /** Rows of a statement, run outside the handlers (to check what they stored). */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
};

/** PGlite in memory (no DATABASE_URL), migrated like the local server does. */
export async function openPglite(): Promise<SuiteDatabase> {
  delete process.env.DATABASE_URL;
  delete process.env.DB_DRIVER;
  const { sharedDatabase, closeSharedDatabase } = await import('../../lib/api');
  const { migrate } = await import('../../lib/db');
  const db = sharedDatabase();
  await db.session((s) => s.query('SELECT 1')); // the WASM start-up is not part of the migration's time limit
  await migrate(db, { migrationsFolder: 'drizzle', timeoutMs: 60_000 });
  return {
    sql: async <R>(text: string, params?: unknown[]) => (await db.session((s) => s.query<R>(text, params))).rows,
    close: closeSharedDatabase,
  };
}

/** A fresh test database on PostgreSQL, reached by the handlers through DATABASE_URL as in the cloud. */
export async function openPostgres(): Promise<SuiteDatabase> {
  const tdb = await createTestDatabase('api_routes');
  process.env.DATABASE_URL = tdb.url;
  process.env.DB_APPLICATION_NAME = tdb.applicationName;
  const { sharedDatabase, closeSharedDatabase } = await import('../../lib/api');
  const { migrate } = await import('../../lib/db');
  await migrate(sharedDatabase(), { migrationsFolder: 'drizzle' });
  return {
    sql: <R>(text: string, params?: unknown[]) => adminQuery(text, params, tdb.name) as Promise<R[]>,
    close: async () => {
      await closeSharedDatabase();
      await tdb.drop();
    },
  };
}
