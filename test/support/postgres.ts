// Test-only helpers: every test file works in its own throwaway database on the shared server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.TEST_PG_PORT ?? 5432);
export const PG_USER = process.env.TEST_PG_USER ?? 'postgres';

export function adminUrl(database = 'postgres'): string {
  return `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${database}`;
}

/** A random, valid identifier with a readable prefix. */
export function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement on a short-lived admin connection (never on the code under test). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  params: unknown[] = [],
  database = 'postgres',
): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrl(database), application_name: 'test-admin' });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export type TestDatabase = {
  readonly name: string;
  /** Connection URL for the code under test. */
  readonly url: string;
  /** A unique application_name so pg_stat_activity tells this test's connections apart. */
  readonly applicationName: string;
  /** Our connections in pg_stat_activity (by application_name), with their state. */
  connections(): Promise<{ pid: number; state: string | null }[]>;
  drop(): Promise<void>;
};

/** Creates a fresh database with a random name; drop() terminates stragglers and removes it. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = randomName(prefix);
  await adminQuery(`CREATE DATABASE ${name}`);
  const applicationName = randomName('app');
  return {
    name,
    url: adminUrl(name),
    applicationName,
    connections: () =>
      adminQuery<{ pid: number; state: string | null }>(
        'SELECT pid, state FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [name, applicationName],
      ),
    drop: async () => {
      await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Polls until check() returns true or the budget runs out; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, budgetMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + budgetMs;
  let last = await read();
  while (!ok(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await read();
  }
  return last;
}
