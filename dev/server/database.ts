// The local server's own connection to the database (the routes' shared one), used to migrate before the first
// request and closed last, with the PGlite bridge when there is one.
import { closeSharedDatabase, sharedDatabase } from '../../lib/api';
import { migrate } from '../../lib/db';
import type { PgliteBridge } from './pglite-bridge';

/** Migrations run once at start, not under a Lambda deadline. */
const MIGRATION_TIMEOUT_MS = 60_000;

export type OpenedDatabase = { description: string; close(): Promise<void> };

/**
 * PGlite stands in only when no database is configured: no DATABASE_URL and no DB_DRIVER (or DB_DRIVER=pglite).
 * Any other DB_DRIVER is used as configured (data-api needs no URL; the others refuse to start without one), never
 * silently replaced by PGlite.
 */
export function servesPglite(env: NodeJS.ProcessEnv): boolean {
  const driver = env.DB_DRIVER?.trim();
  return !env.DATABASE_URL && (!driver || driver === 'pglite');
}

export async function openSharedDatabase(migrationsFolder: string, bridge: PgliteBridge | undefined): Promise<OpenedDatabase> {
  const db = sharedDatabase();
  const close = async () => {
    await closeSharedDatabase();
    await bridge?.close();
  };
  try {
    // Opening comes first, on its own: a new PGlite data folder runs initdb, which takes seconds and must not
    // eat into the migration transaction's time limit.
    await db.session((s) => s.query('SELECT 1'), { name: 'open' });
    const result = await migrate(db, { migrationsFolder, timeoutMs: MIGRATION_TIMEOUT_MS });
    const configured = db.config.url ? 'DATABASE_URL' : `${db.config.dataApiEndpoint ?? 'the AWS endpoint'} (DB_DATA_API_*)`;
    const where = bridge ? `PGlite in ${bridge.dataDir}, served to the handlers on 127.0.0.1:${bridge.port}` : `${db.driverName} on ${configured} (${db.profile.name} profile)`;
    const migrations = result.applied.length ? `applied ${result.applied.map((m) => m.tag).join(', ')}` : `up to date (${result.alreadyApplied} migrations)`;
    return { description: `${where}; migrations ${migrations}`, close };
  } catch (err) {
    await close();
    throw err;
  }
}
