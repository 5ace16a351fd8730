// Functions refuse to serve on a database behind the code (a deploy whose migrations have not run, or failed):
// one read of drizzle's migrations table in the first invocation of a container, remembered once it is current.
import { assertSchemaCurrent, lastAppliedMigration, type Database, type Session } from '../db';

/** Databases found current in this container: never read again. */
const current = new WeakSet<object>();

/**
 * Returns when the database has the migration `db.requiredMigration` names (at once for a database that names
 * none, or was found current before); throws SchemaBehindError otherwise, and reads again next time.
 */
export async function ensureSchema<S extends Record<string, unknown>>(db: Database<S>, session: Session<S>): Promise<void> {
  const required = db.requiredMigration;
  if (!required || current.has(db)) return;
  assertSchemaCurrent(await lastAppliedMigration(session), required);
  current.add(db);
}
