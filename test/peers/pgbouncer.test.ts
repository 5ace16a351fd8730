// A plain `pg` client through PgBouncer (scripts/pgbouncer.sh) in transaction pooling mode.
// In CI (CI=true) PgBouncer not starting fails these tests; elsewhere they are skipped.
// The shared instance on 6432 serves other test files in parallel: this file only ever starts it
// (idempotent); anything that restarts or stops a PgBouncer uses a private one (startBouncer).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startBouncer } from '../support/pgbouncer.js';
import { createTestDatabase, PG_USER, type TestDatabase } from '../support/postgres.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/pgbouncer.sh', import.meta.url));
const BOUNCER = { host: '127.0.0.1', port: 6432 };
const inCi = process.env.CI === 'true';

let db: TestDatabase;
let unavailable: string | undefined;

/** Starts the shared instance unless it already runs; there is deliberately no stop or restart here. */
async function startSharedBouncer(): Promise<void> {
  await run('bash', [SCRIPT, 'start'], { timeout: 120_000 });
}

function bouncerClient(extra: pg.ClientConfig = {}): pg.Client {
  return new pg.Client({ ...BOUNCER, user: PG_USER, database: db.name, ...extra });
}

/** Fails in CI, skips elsewhere, when PgBouncer could not be started. */
function requireBouncer(context: TestContext): void {
  if (!unavailable) return;
  if (inCi) throw new Error(`PgBouncer is required in CI but could not be started: ${unavailable}`);
  context.skip(`PgBouncer unavailable: ${unavailable}`);
}

beforeAll(async () => {
  db = await createTestDatabase('bouncer');
  try {
    await startSharedBouncer();
  } catch (error) {
    unavailable = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
  }
});

afterAll(async () => {
  await db?.drop();
});

describe('pgbouncer', () => {
  it('passes queries and transactions through in transaction pooling mode', async (context) => {
    requireBouncer(context);
    // Prepare
    const client = bouncerClient();
    await client.connect();
    const admin = bouncerClient({ database: 'pgbouncer' });
    await admin.connect();

    // Act
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await client.query('BEGIN');
    await client.query('INSERT INTO t VALUES ($1)', [1]);
    await client.query('COMMIT');
    const rows = (await client.query('SELECT id, current_database() AS db FROM t')).rows;
    const config = (await admin.query<{ key: string; value: string }>('SHOW CONFIG')).rows;
    await client.end();
    await admin.end();

    // Assess
    expect(rows).toEqual([{ id: 1, db: db.name }]);
    const setting = (key: string) => config.find((row) => row.key === key)?.value;
    expect(setting('pool_mode')).toBe('transaction');
    expect(setting('max_client_conn')).toBe('500');
    expect(setting('default_pool_size')).toBe('20');
    expect(setting('ignore_startup_parameters')).toBe('extra_float_digits');
  });

  it('rejects startup parameters a pooler cannot carry, like statement_timeout', async (context) => {
    requireBouncer(context);
    // Prepare
    const client = bouncerClient({ statement_timeout: 1000 });

    // Act
    const error = await client.connect().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('unsupported startup parameter: statement_timeout');
  });

  it('comes back after a restart', async (context) => {
    requireBouncer(context);
    // Prepare: a private instance (own port and folder) so the restart hurts no other test.
    const bouncer = await startBouncer();
    const before = bouncerClient({ port: bouncer.port });
    before.on('error', () => undefined);

    try {
      await before.connect();

      // Act
      await bouncer.restart();
      const lost = await before.query('SELECT 1').catch((e: unknown) => e);
      const after = bouncerClient({ port: bouncer.port });
      await after.connect();
      const result = await after.query('SELECT 2 AS two');
      await after.end();

      // Assess
      expect(lost).toBeInstanceOf(Error);
      expect(result.rows).toEqual([{ two: 2 }]);
    } finally {
      await bouncer.stop();
    }
  });
});
