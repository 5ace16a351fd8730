// The suite's surroundings: a fresh migrated database on the shared server (dropped at the end), the
// validator's database layer on it, a raw node-postgres client for the baseline and the restores, and the
// 256 registered miners every task's seed needs.
import pg from 'pg';
import type { Sql, ValidatorDatabase } from '../../lib/validator';
import type { TestDatabase } from '../../test/support/postgres';
import { pgHarness, range, seedMiners } from '../../test/validator/fixtures';
import { MINERS } from './seed';

export type StepsEnv = {
  /** The layer, as the scheduled steps get it (pg driver, pool of 2, quiet logger). */
  db: ValidatorDatabase;
  tdb: TestDatabase;
  /** A raw client: the hand-written baseline and the (untimed) restores run here. */
  raw: pg.Client;
  /** The raw client as the one capability statements need. */
  rawSql: Sql;
  /** A second raw client of its own, for the hand-written baseline's A/A control. */
  rawSqlB: Sql;
};

export async function withStepsEnv<T>(fn: (env: StepsEnv) => Promise<T>): Promise<T> {
  const h = await pgHarness('bench_steps');
  const tdb = h.tdb!;
  const raw = new pg.Client({ connectionString: tdb.url, application_name: tdb.applicationName });
  const rawB = new pg.Client({ connectionString: tdb.url, application_name: tdb.applicationName });
  try {
    await raw.connect();
    await rawB.connect();
    await h.session((s) => seedMiners(s, range(MINERS)));
    return await fn({ db: h.db, tdb, raw, rawSql: asSql(raw), rawSqlB: asSql(rawB) });
  } finally {
    await raw.end().catch(() => undefined);
    await rawB.end().catch(() => undefined);
    await h.close();
  }
}

function asSql(client: pg.Client): Sql {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const res = await client.query(text, params ? [...params] : undefined);
      return { rows: res.rows as R[], rowCount: res.rowCount };
    },
  };
}
