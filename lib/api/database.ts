// The database of this container. One per process, shared by every handler module loaded in it: in Lambda that
// is one function; in the local server it is all of them, and PGlite allows ONE instance per data folder (a
// second instance on the same folder silently diverges from the first). Created at first use, from the
// environment (DATABASE_URL, DB_*; see lib/db/config.ts), so a test or the local server settles the environment
// before the first request. Deployed, the connection string may come from an SST link (lib/lambda/linked-database.ts).
import { createValidatorDatabase, type ValidatorDatabase } from '../validator';
import { lambdaDatabaseOptions } from '../lambda';

let shared: ValidatorDatabase | undefined;

export function sharedDatabase(): ValidatorDatabase {
  return (shared ??= createValidatorDatabase(lambdaDatabaseOptions()));
}

/** Closes the shared database (local server shutdown, tests); the next use creates a fresh one. */
export async function closeSharedDatabase(): Promise<void> {
  const db = shared;
  shared = undefined;
  await db?.close();
}
