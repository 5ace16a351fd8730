// The rds-proxy profile against a real server: no SET of any kind is sent (no startup parameters, no SET LOCAL in
// BEGIN), the role defaults govern, and pinning statements are refused unsent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, roleTimeoutsSql, StatementTimeoutError, UnsupportedError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, PG_HOST, PG_PORT, randomName, type TestDatabase } from '../support/postgres';
import { failure } from '../drivers/helpers';
import { captureLogger } from '../support/logger';

let tdb: TestDatabase;
let db: Database;
const role = randomName('proxy_role');
const logger = captureLogger();

beforeAll(async () => {
  tdb = await createTestDatabase('rds_profile');
  await adminQuery(`CREATE ROLE ${role} LOGIN`);
  await adminQuery(`GRANT ALL ON SCHEMA public TO ${role}`, [], tdb.name);
  for (const statement of roleTimeoutsSql({ statementTimeoutMs: 400, lockTimeoutMs: 321, idleInTransactionTimeoutMs: 5_000 }, role).split('\n')) {
    if (statement.startsWith('ALTER')) await adminQuery(statement);
  }
  db = createDatabase({
    url: `postgres://${role}@${PG_HOST}:${PG_PORT}/${tdb.name}`,
    proxyProfile: 'rds-proxy',
    applicationName: tdb.applicationName,
    statementTimeoutMs: 5_000,
    lockTimeoutMs: 2_000,
    logger,
    env: {},
  });
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${role}`);
});

type Settings = { st: string; lt: string };
const SETTINGS = "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt";

describe('rds-proxy profile', () => {
  it('sends no SET: sessions and transactions run on the role defaults', async () => {
    // Act
    const inside = await db.session((s) => s.transaction(async (tx) => (await tx.query<Settings>(SETTINGS)).rows[0]!, { timeoutMs: 1_000 }));
    const outside = await db.session(async (s) => (await s.query<Settings>(SETTINGS)).rows[0]!);

    // Assess: a SET LOCAL would show the 1 s transaction limit; startup parameters would show 5 s / 2 s.
    expect(inside).toEqual({ st: '400ms', lt: '321ms' });
    expect(outside).toEqual({ st: '400ms', lt: '321ms' });
    expect(logger.find('database layer ready')[0]!.fields).toMatchObject({ profile: 'rds-proxy', profileReason: 'configured (DB_PROXY_PROFILE=rds-proxy)' });
  });

  it('has the server enforce the role-default statement timeout', async () => {
    // Act
    const error = await failure(db.session((s) => s.transaction((tx) => tx.query('SELECT pg_sleep(3)'))));

    // Assess
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect((error as StatementTimeoutError).sqlstate).toBe('57014');
  });

  it('refuses pinning statements before sending them', async () => {
    // Prepare
    await db.session((s) => s.transaction((tx) => tx.query('CREATE TABLE pinned (id serial PRIMARY KEY, v int)')));

    // Act
    const errors = await Promise.all(
      ["SELECT set_config('work_mem', '1MB', true)", "SELECT nextval('pinned_id_seq')", 'SELECT pg_advisory_xact_lock(7)', 'SET LOCAL work_mem = 1024'].map((text) =>
        failure(db.session((s) => s.transaction((tx) => tx.query(text)))),
      ),
    );
    const serial = await db.session((s) => s.transaction((tx) => tx.query<{ id: number }>('INSERT INTO pinned (v) VALUES ($1) RETURNING id', [1])));

    // Assess: refused; the column default (serial) and RETURNING are the way.
    for (const e of errors) expect(e).toBeInstanceOf(UnsupportedError);
    expect(serial.rows).toEqual([{ id: 1 }]);
  });
});
