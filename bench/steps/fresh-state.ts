// Every measured run starts from the same freshly seeded state. The seeded rows are kept in a schema of
// their own and copied back server-side before each run: the same rows with the same ids, in new storage
// (TRUNCATE), vacuumed and analysed, so no run inherits dead rows, hint-bit work or statistics from the
// one before. Re-seeding through the intake would give the same rows, only seconds slower per run.
import type pg from 'pg';

const SEED_SCHEMA = 'bench_seed';

export type FreshState = {
  /** Back to the seeded state; not part of any measurement. */
  restore(): Promise<void>;
};

export type KeptTables = {
  /** Tables the step consumes (e.g. its predictions): kept as seeded and copied back. */
  kept: readonly string[];
  /** Tables the step fills (history, score rows): emptied. */
  emptied: readonly string[];
};

/** Keeps the current rows of `kept` (call right after seeding) and returns the restore of that state. */
export async function keepSeed(raw: pg.ClientBase, tables: KeptTables): Promise<FreshState> {
  await raw.query(`CREATE SCHEMA IF NOT EXISTS ${SEED_SCHEMA}`);
  for (const t of tables.kept) {
    await raw.query(`DROP TABLE IF EXISTS ${SEED_SCHEMA}.${t}`);
    await raw.query(`CREATE TABLE ${SEED_SCHEMA}.${t} AS TABLE public.${t}`);
  }
  const all = [...tables.kept, ...tables.emptied];
  const restore = async () => {
    await raw.query('BEGIN');
    try {
      await raw.query(`TRUNCATE ${all.join(', ')} RESTART IDENTITY`);
      // Ids as seeded (identity columns are GENERATED ALWAYS).
      for (const t of tables.kept) await raw.query(`INSERT INTO ${t} OVERRIDING SYSTEM VALUE SELECT * FROM ${SEED_SCHEMA}.${t}`);
      await raw.query('COMMIT');
    } catch (err) {
      await raw.query('ROLLBACK');
      throw err;
    }
    // Outside the transaction (VACUUM cannot run in one): hint bits, visibility map and statistics settled.
    await raw.query(`VACUUM (ANALYZE) ${all.join(', ')}`);
  };
  await restore();
  return { restore };
}
