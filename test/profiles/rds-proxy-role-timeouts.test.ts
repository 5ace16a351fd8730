// RDS Proxy timeouts are role defaults: scripts/rds-proxy-role-timeouts.sql is what roleTimeoutsSql() makes of
// the default configuration, and applying it makes PostgreSQL enforce the limits in every new session of the role.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, roleTimeoutsSql } from '../../lib/db';
import { adminQuery, createTestDatabase, PG_HOST, PG_PORT, PG_USER, randomName, type TestDatabase } from '../support/postgres';

const SCRIPT = fileURLToPath(new URL('../../scripts/rds-proxy-role-timeouts.sql', import.meta.url));
const run = promisify(execFile);

let tdb: TestDatabase;
const role = randomName('app_role');

beforeAll(async () => {
  tdb = await createTestDatabase('role_timeouts');
  await adminQuery(`CREATE ROLE ${role} LOGIN`);
});

afterAll(async () => {
  await tdb?.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${role}`);
});

describe('rds-proxy role timeouts', () => {
  it('keeps the script in sync with the default configuration', () => {
    // Act
    const expected = roleTimeoutsSql(loadConfig({ driver: 'pglite' }, {}));

    // Assess
    expect(readFileSync(SCRIPT, 'utf8')).toBe(expected);
  });

  it('makes new sessions of the role start with the timeouts, applied with psql as documented', async () => {
    // Act
    await run('psql', ['-h', PG_HOST, '-p', String(PG_PORT), '-U', PG_USER, '-d', tdb.name, '-v', 'ON_ERROR_STOP=1', '-v', `app_role=${role}`, '-f', SCRIPT]);
    const client = new pg.Client({ host: PG_HOST, port: PG_PORT, user: role, database: tdb.name });
    await client.connect();
    const settings = (await client.query("SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it")).rows[0];
    await client.end();

    // Assess
    expect(settings).toEqual({ st: '10s', lt: '3s', it: '10s' });
  });

  it('quotes a role name given directly and refuses a non-integer timeout', () => {
    // Act
    const sql = roleTimeoutsSql({ statementTimeoutMs: 1, lockTimeoutMs: 2, idleInTransactionTimeoutMs: 3 }, 'we"ird');
    const bad = () => roleTimeoutsSql({ statementTimeoutMs: 1.5, lockTimeoutMs: 2, idleInTransactionTimeoutMs: 3 }, 'r');

    // Assess
    expect(sql).toContain(`ALTER ROLE "we""ird" SET statement_timeout = '1ms';`);
    expect(bad).toThrow(TypeError);
  });
});
