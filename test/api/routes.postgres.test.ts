// Every route on PostgreSQL: the handlers reach a fresh test database through DATABASE_URL, as in the cloud.
import { adminQuery, createTestDatabase } from '../support/postgres';
import { routesSuite, type SuiteDatabase } from './routes-suite';
import { trustSuite } from './trust-suite';

async function open(): Promise<SuiteDatabase> {
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

routesSuite('PostgreSQL', open);
trustSuite('PostgreSQL', open);
