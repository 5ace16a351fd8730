// `npm run db:migrate`: applies drizzle/ to the configured database (DATABASE_URL; or the stage's DatabaseUrl link
// under `npx sst shell --stage <stage> -- npm run db:migrate`; or PGlite in DB_PGLITE_DATA_DIR / memory). Safe to run
// concurrently and repeatedly. Deployed stages migrate on `sst deploy` (infra/migrations.ts).
import { fileURLToPath } from 'node:url';
import { migrate } from '../lib/db';
import { linkedDatabaseSettings } from '../lib/lambda';
import { createValidatorDatabase } from '../lib/validator';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** A migration may take longer than a request: these limits apply unless the environment sets its own. */
const MIGRATION_LIMITS = {
  statementTimeoutMs: ['DB_STATEMENT_TIMEOUT_MS', 60_000],
  transactionTimeoutMs: ['DB_TRANSACTION_TIMEOUT_MS', 120_000],
  sessionTimeoutMs: ['DB_SESSION_TIMEOUT_MS', 180_000],
} as const;

async function main(): Promise<void> {
  const limits = Object.fromEntries(
    Object.entries(MIGRATION_LIMITS).filter(([, [env]]) => !process.env[env]?.trim()).map(([key, [, ms]]) => [key, ms]),
  );
  // Behind RDS Proxy the advisory lock pins the connection: harmless for this one-off run.
  const db = createValidatorDatabase({ ...limits, allowPinning: true, ...linkedDatabaseSettings() });
  try {
    const result = await migrate(db, { migrationsFolder });
    const applied = result.applied.map((m) => m.tag);
    console.log(applied.length === 0 ? `up to date (${result.alreadyApplied} applied earlier)` : `applied ${applied.join(', ')} (${result.alreadyApplied} applied earlier)`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
