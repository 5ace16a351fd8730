// The migration function the deployment invokes (functions/deploy/migrate.ts): applies drizzle/ once, is a no-op
// when nothing changed, serializes racing deploys on the advisory lock, and fails (so the deploy fails) when a
// migration fails, leaving nothing of the run behind. The hash that decides when `sst deploy` re-runs it follows
// what would be applied, and only that.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsHash } from '../../lib/app/migrations-hash';
import { migrationFunction } from '../../lib/app/functions';
import { createDatabase, MIGRATION_LOCK_KEY, QueryError, type Database } from '../../lib/db';
import { migrationHandler, migrationsFolder } from '../../functions/deploy/migrate';
import { lambdaContext } from '../../dev/server/lambda-context';
import { captureOutput } from '../support/emf';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres';
import { MIGRATIONS, quietLogger } from '../validator/fixtures';
import journal from '../../drizzle/meta/_journal.json';

const COUNT = journal.entries.length;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A copy of drizzle/ with one more migration (its SQL given), as the next deploy would ship it. */
function withExtraMigration(sql: string, tag = '0099_extra'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'drizzle-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const file = path.join(dir, 'meta', '_journal.json');
  const j = JSON.parse(readFileSync(file, 'utf8')) as typeof journal;
  j.entries.push({ idx: j.entries.length, version: '7', when: j.entries.at(-1)!.when + 1_000, tag, breakpoints: true });
  writeFileSync(file, JSON.stringify(j, null, 2));
  writeFileSync(path.join(dir, `${tag}.sql`), sql);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function freshDatabase(prefix: string, options: Parameters<typeof createDatabase>[0] = {}) {
  const tdb = await createTestDatabase(prefix);
  const dbs: Database[] = [];
  const open = () => {
    const db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: quietLogger, env: {}, ...options });
    dbs.push(db as Database);
    return db as Database;
  };
  cleanup.push(async () => {
    await Promise.all(dbs.map((d) => d.close()));
    await tdb.drop();
  });
  return { tdb, open };
}

const context = () => lambdaContext(migrationFunction);
const appliedCount = async (tdb: TestDatabase) => {
  const [row] = await adminQuery<{ n: number | null }>("SELECT CASE WHEN to_regclass('drizzle.__drizzle_migrations') IS NULL THEN NULL ELSE (SELECT count(*)::int FROM drizzle.__drizzle_migrations) END AS n", [], tdb.name);
  return row!.n;
};

describe('migration function', () => {
  it('finds drizzle/ next to the bundle in Lambda, and the project\'s own locally', () => {
    expect(migrationsFolder({ LAMBDA_TASK_ROOT: '/var/task' })).toBe('/var/task/drizzle');
    expect(migrationsFolder({})).toBe(path.resolve('drizzle'));
  });

  it('applies every migration on a fresh database, then finds nothing to do', async () => {
    // Prepare
    const { tdb, open } = await freshDatabase('deploy_migrate');
    const handler = migrationHandler(open, MIGRATIONS);
    // Act
    const first = await handler({ migrationsHash: 'h1' }, context());
    const second = await handler({ migrationsHash: 'h1' }, context());
    // Assess
    expect(first).toEqual({ applied: journal.entries.map((e) => e.tag), alreadyApplied: 0, migrationsHash: 'h1' });
    expect(second).toEqual({ applied: [], alreadyApplied: COUNT, migrationsHash: 'h1' });
    expect(await appliedCount(tdb)).toBe(COUNT);
  });

  it('passes the statement refusals of the pooler profiles (RDS Proxy with pinning allowed, as the function sets it; PgBouncer)', async () => {
    // Without DB_ALLOW_PINNING, RDS Proxy's profile refuses the advisory lock (it pins): requests never take one.
    const pinned = await freshDatabase('deploy_pinned', { proxyProfile: 'rds-proxy' });
    const refused = await captureOutput(() => migrationHandler(pinned.open, MIGRATIONS)({}, context()));
    expect(refused.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('advisory') });
    for (const proxyProfile of ['rds-proxy', 'pgbouncer'] as const) {
      const { tdb, open } = await freshDatabase(`deploy_${proxyProfile.replace('-', '_')}`, { proxyProfile, allowPinning: true });
      const result = await migrationHandler(open, MIGRATIONS)({}, context());
      expect(result.applied, proxyProfile).toHaveLength(COUNT);
      expect(await appliedCount(tdb)).toBe(COUNT);
    }
  });

  it('serializes two racing deploys on the advisory lock: the second waits, then finds nothing to do', async () => {
    // Prepare: the next deploy's migrations include a slow one, so the race is visible
    const { tdb, open } = await freshDatabase('deploy_race');
    const folder = withExtraMigration('SELECT pg_sleep(1.5);');
    const first = migrationHandler(open, folder)({ migrationsHash: 'a' }, context());
    await eventually(
      () => adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted AND d.datname = $2", [MIGRATION_LOCK_KEY, tdb.name]),
      (rows) => rows[0]!.n === 1,
    );
    // Act: a second deploy (another container) starts while the first holds the lock
    const second = migrationHandler(open, folder)({ migrationsHash: 'a' }, context());
    const waiting = await eventually(
      () => adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.objid = $1 AND NOT l.granted AND d.datname = $2", [MIGRATION_LOCK_KEY, tdb.name]),
      (rows) => rows[0]!.n === 1,
    );
    const [a, b] = await Promise.all([first, second]);
    // Assess
    expect(waiting[0]!.n).toBe(1);
    expect(a.applied).toHaveLength(COUNT + 1);
    expect(b).toMatchObject({ applied: [], alreadyApplied: COUNT + 1 });
    expect(await appliedCount(tdb)).toBe(COUNT + 1);
  });

  it('fails when a migration fails, leaving nothing of the run applied', async () => {
    // Prepare: a database at the current migrations, and a deploy whose next migration is broken
    const { tdb, open } = await freshDatabase('deploy_fail');
    await migrationHandler(open, MIGRATIONS)({}, context());
    const folder = withExtraMigration('CREATE TABLE extra_ok (id int);\n--> statement-breakpoint\nALTER TABLE no_such_table ADD COLUMN x int;');
    // Act
    const { error: err, lines } = await captureOutput(() => migrationHandler(open, folder)({ migrationsHash: 'broken' }, context()));
    // Assess: the error reaches the invoker (the deploy fails) and the log; the migration's first statement was
    // rolled back too
    expect(lines.find((l) => l.message === 'migrations failed')).toMatchObject({ level: 'ERROR', migrationsHash: 'broken', error: { code: 'QUERY_FAILED' } });
    expect(err).toBeInstanceOf(QueryError);
    expect(err).toMatchObject({ sqlstate: '42P01' });
    expect(await appliedCount(tdb)).toBe(COUNT);
    expect(await adminQuery("SELECT 1 FROM pg_tables WHERE tablename = 'extra_ok'", [], tdb.name)).toEqual([]);
  });
});

describe('migrations hash', () => {
  it('is stable, and changes when a migration or the journal changes', () => {
    const base = migrationsHash(MIGRATIONS);
    expect(migrationsHash(MIGRATIONS)).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationsHash(withExtraMigration('SELECT 1;'))).not.toBe(base);
    // One character of one migration
    const edited = withExtraMigration('SELECT 1;');
    const sqlFile = path.join(edited, `${journal.entries[0]!.tag}.sql`);
    const before = migrationsHash(edited);
    writeFileSync(sqlFile, `${readFileSync(sqlFile, 'utf8')} `);
    expect(migrationsHash(edited)).not.toBe(before);
  });

  it('ignores drizzle-kit snapshots (they change nothing that is applied)', () => {
    const copy = withExtraMigration('SELECT 1;');
    const before = migrationsHash(copy);
    writeFileSync(path.join(copy, 'meta', '0000_snapshot.json'), '{}');
    expect(migrationsHash(copy)).toBe(before);
  });
});
