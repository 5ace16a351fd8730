// Applies drizzle/ to the stage's database. Invoked by the deployment itself (infra/migrations.ts: an
// aws.lambda.Invocation re-run whenever the hash of drizzle/ changes); a failed migration throws, so the
// invocation fails and so does `sst deploy`. Every pending migration runs in one transaction under an advisory
// lock (lib/db/migrate.ts): a second deploy racing this one waits, then finds nothing to do.
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { createDatabase, migrate, type Database } from '../../lib/db';
import { beginInvocation, lambdaDatabaseOptions, logger } from '../../lib/lambda';

export type MigrateEvent = { migrationsHash?: string };
export type MigrateOutcome = { applied: string[]; alreadyApplied: number; migrationsHash: string | null };

/** drizzle/ as copied next to the bundle (infra: copyFiles), or the project's own when run locally. */
export function migrationsFolder(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), env.MIGRATIONS_DIR ?? 'drizzle');
}

export function migrationHandler<S extends Record<string, unknown>>(db: () => Database<S>, folder: string) {
  return async (event: MigrateEvent, context: Context): Promise<MigrateOutcome> => {
    beginInvocation(context, undefined);
    try {
      const result = await migrate(db(), { migrationsFolder: folder });
      const outcome = { applied: result.applied.map((m) => m.tag), alreadyApplied: result.alreadyApplied, migrationsHash: event?.migrationsHash ?? null };
      logger.info('migrations', outcome);
      return outcome;
    } catch (err) {
      // The deploy shows the error; the log keeps the details (lib/db errors are already scrubbed of secrets).
      logger.error('migrations failed', { migrationsHash: event?.migrationsHash ?? null, error: err as Error });
      throw err;
    }
  };
}

let database: Database | undefined;
// Behind RDS Proxy the advisory lock pins the connection: harmless for a one-off unit, so allowed here only.
export const handler = migrationHandler(() => (database ??= createDatabase({ ...lambdaDatabaseOptions(), allowPinning: true })), migrationsFolder());
