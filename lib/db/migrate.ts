// Applies drizzle-kit migrations through our own session: every pending migration in ONE transaction,
// serialized across concurrent runners by a transaction-level advisory lock, recorded in drizzle's own table
// (drizzle.__drizzle_migrations) so drizzle-kit and this function agree on what is applied.
import fs from 'node:fs';
import path from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from './database';
import { ConfigError } from './errors';
import { LAST_APPLIED_SQL, MIGRATIONS_TABLE } from './schema-version';

export type MigrateOptions = {
  /** Folder holding the *.sql files and meta/_journal.json written by `drizzle-kit generate`. */
  migrationsFolder: string;
  /** Whole-transaction limit (default: the database's transactionTimeoutMs). */
  timeoutMs?: number;
};

export type AppliedMigration = { tag: string; hash: string; folderMillis: number };

export type MigrateResult = {
  /** Migrations applied by this call, in order (empty when the database was up to date). */
  applied: AppliedMigration[];
  /** Migrations found already applied. */
  alreadyApplied: number;
};

/** Fixed key of the advisory lock that serializes migrators ("migr" as bytes; any constant shared by all runners works). */
export const MIGRATION_LOCK_KEY = 0x6d696772;

/**
 * Applies the pending migrations. Pending = newer than the last recorded one (drizzle's own rule, by the
 * journal's `when`), so a database migrated with `drizzle-kit migrate` is recognised and vice versa.
 * Migrating an up-to-date database is a no-op (one short transaction that writes nothing).
 */
export async function migrate<S extends Record<string, unknown>>(db: Database<S>, options: MigrateOptions): Promise<MigrateResult> {
  const migrations = readMigrations(options.migrationsFolder);
  return db.session(
    (session) =>
      session.transaction(
        async (tx) => {
          // First statement of the unit: a second runner waits here until the first commits, then sees its rows.
          await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
          await tx.query('CREATE SCHEMA IF NOT EXISTS "drizzle"');
          await tx.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
          const last = await tx.query<{ created_at: string | number }>(LAST_APPLIED_SQL);
          const lastMillis = last.rows[0] === undefined ? undefined : Number(last.rows[0].created_at);
          const pending = migrations.filter((m) => lastMillis === undefined || lastMillis < m.folderMillis);
          for (const m of pending) {
            for (const statement of m.statements) await tx.query(statement);
            await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES ($1, $2)`, [m.hash, m.folderMillis]);
          }
          return {
            applied: pending.map(({ tag, hash, folderMillis }) => ({ tag, hash, folderMillis })),
            alreadyApplied: migrations.length - pending.length,
          };
        },
        { timeoutMs: options.timeoutMs },
      ),
    { name: 'migrate' },
  );
}

type Migration = AppliedMigration & { statements: string[] };

function readMigrations(folder: string): Migration[] {
  const journalPath = path.join(folder, 'meta', '_journal.json');
  if (!fs.existsSync(journalPath)) throw new ConfigError(`no drizzle journal at ${journalPath}`);
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  // drizzle's reader computes the hashes exactly as drizzle-kit records them.
  const files = readMigrationFiles({ migrationsFolder: folder });
  return files.map((file, i) => {
    const entry = journal.entries[i];
    if (!entry) throw new ConfigError(`drizzle journal and migration files disagree in ${folder}`);
    // Each chunk between breakpoints is sent as one statement (PGlite's extended protocol takes one per
    // message), so migrations must be generated with breakpoints (drizzle-kit's default).
    return {
      tag: entry.tag,
      hash: file.hash,
      folderMillis: file.folderMillis,
      statements: file.sql.map((s) => s.trim()).filter((s) => s.length > 0),
    };
  });
}
