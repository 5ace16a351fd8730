// Every route on the embedded database (PGlite in memory: no DATABASE_URL), migrated like the local server does.
import { routesSuite, type SuiteDatabase } from './routes-suite';
import { trustSuite } from './trust-suite';

async function open(): Promise<SuiteDatabase> {
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

routesSuite('PGlite', open);
trustSuite('PGlite', open);
