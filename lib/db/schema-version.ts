// Which migration the database is at, read the way drizzle records it (drizzle.__drizzle_migrations, one row per
// applied migration, created_at = the journal's `when`), and whether that is behind what the code needs.
import { QueryError, SchemaBehindError } from './errors';

/** drizzle's own record of applied migrations (drizzle-kit and lib/db/migrate.ts agree on it). */
export const MIGRATIONS_TABLE = '"drizzle"."__drizzle_migrations"';
/** The newest applied migration: one indexed read of a table of a few rows. */
export const LAST_APPLIED_SQL = `SELECT created_at FROM ${MIGRATIONS_TABLE} ORDER BY created_at DESC LIMIT 1`;

/** A migration of the journal (drizzle/meta/_journal.json): its tag and `when` (folderMillis). */
export type MigrationMark = { readonly tag: string; readonly when: number };

/** What runs one read: a Session or a Transaction. */
type Reader = { query<R>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }> };

/** SQLSTATEs of a database never migrated: no drizzle schema (3F000) or no table in it (42P01). */
const NEVER_MIGRATED = new Set(['3F000', '42P01']);

/** `when` of the newest applied migration; null when the database was never migrated. One round trip. */
export async function lastAppliedMigration(reader: Reader): Promise<number | null> {
  try {
    const { rows } = await reader.query<{ created_at: string | number }>(LAST_APPLIED_SQL);
    return rows[0] === undefined ? null : Number(rows[0].created_at);
  } catch (err) {
    if (err instanceof QueryError && err.sqlstate !== undefined && NEVER_MIGRATED.has(err.sqlstate)) return null;
    throw err;
  }
}

/** Throws SchemaBehindError unless the database has `required` (or a newer migration) applied. */
export function assertSchemaCurrent(appliedAt: number | null, required: MigrationMark): void {
  if (appliedAt !== null && appliedAt >= required.when) return;
  const found = appliedAt === null ? 'no migration applied' : `newest applied migration from ${new Date(appliedAt).toISOString()}`;
  throw new SchemaBehindError(`database schema is behind the code: it needs migration ${required.tag} (${found}); run the migrations`, {
    required: required.tag,
    appliedAt,
  });
}
