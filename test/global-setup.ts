// Runs once before the suite: the servers the tests need must be there. Under CI=true a missing one fails the run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { adminUrl } from './support/postgres';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl()}: ${(err as Error).message}. Start it before running the tests.`);
  } finally {
    await client.end().catch(() => undefined);
  }
  // PgBouncer is started by its script (idempotent); tests that need it fail if it is missing under CI.
  if (existsSync('scripts/pgbouncer.sh')) {
    try {
      execFileSync('bash', ['scripts/pgbouncer.sh'], { stdio: 'inherit' });
    } catch (err) {
      if (process.env.CI === 'true') throw new Error(`PgBouncer could not be started: ${(err as Error).message}`);
      console.warn('PgBouncer could not be started; the pgbouncer tests will fail');
    }
  }
}
