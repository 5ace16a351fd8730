// Configuration: a bad setting is a ConfigError naming the variable (never quoting a URL), precedence is
// argument > environment > default, and createDatabase is lazy: nothing connects before the first session.
import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConnectionFailedError, NUMERIC_SETTINGS, createDatabase, loadConfig } from '../../lib/db';
import { supports, targets, tcpOf, useTarget } from '../support/drivers';
import { captureLogger } from '../support/logger';

const SECRET = 'pw-Zx81-not-for-logs';

function configError(env: Record<string, string>, args: Parameters<typeof createDatabase>[0] = {}): unknown {
  try {
    createDatabase({ ...args, env, logger: captureLogger() });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('configuration', () => {
  it.each([
    ['a non-integer', { DB_POOL_MAX: 'abc' }, ['DB_POOL_MAX', 'integer']],
    ['a fraction', { DB_STATEMENT_TIMEOUT_MS: '1.5' }, ['DB_STATEMENT_TIMEOUT_MS', 'integer']],
    ['a value below the range', { DB_POOL_MAX: '0' }, ['DB_POOL_MAX', 'between 1 and 1000']],
    ['a value above the range', { DB_CONNECT_TIMEOUT_MS: '600001' }, ['DB_CONNECT_TIMEOUT_MS', 'between']],
    ['a negative value', { DB_ACQUIRE_TIMEOUT_MS: '-5' }, ['DB_ACQUIRE_TIMEOUT_MS', 'between']],
    ['an unknown driver', { DB_DRIVER: 'mysql' }, ['DB_DRIVER', 'pglite']],
    ['a lock timeout above the statement timeout', { DB_LOCK_TIMEOUT_MS: '5000', DB_STATEMENT_TIMEOUT_MS: '1000' }, ['DB_LOCK_TIMEOUT_MS', 'DB_STATEMENT_TIMEOUT_MS']],
    ['a statement timeout above the transaction timeout', { DB_STATEMENT_TIMEOUT_MS: '20000' }, ['DB_STATEMENT_TIMEOUT_MS', 'DB_TRANSACTION_TIMEOUT_MS']],
    ['a boolean that is not one', { DB_PREPARED_STATEMENTS: 'maybe' }, ['DB_PREPARED_STATEMENTS']],
    ['a URL of another scheme', { DATABASE_URL: 'mysql://u@h/db' }, ['DATABASE_URL', 'postgres://']],
    ['an unparsable URL (port out of range)', { DATABASE_URL: `postgres://u:${SECRET}@127.0.0.1:99999/db` }, ['DATABASE_URL', 'not a valid URL']],
    ['a URL whose password is badly percent-encoded', { DATABASE_URL: `postgres://u:${SECRET}%zz@127.0.0.1/db` }, ['DATABASE_URL', 'not a valid URL']],
  ])('refuses %s with a ConfigError naming the variable', (_case, env, names) => {
    // Act
    const err = configError(env);

    // Assess
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
    for (const name of names) expect((err as Error).message).toContain(name);
    for (const text of [(err as Error).message, (err as Error).stack, util.inspect(err)]) expect(text).not.toContain(SECRET);
  });

  it('names the argument when the bad value came as an argument', () => {
    // Act
    const err = configError({}, { poolMax: 0 });

    // Assess
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('poolMax');
  });

  it('takes an argument over the environment, and the environment over the default', () => {
    // Prepare
    // With a URL (driver pg): PGlite would pin poolMax to 1.
    const env = { DATABASE_URL: 'postgres://u@db.invalid/app', DB_POOL_MAX: '3', DB_STATEMENT_TIMEOUT_MS: '4000', DB_APPLICATION_NAME: 'from-env' };

    // Act
    const byArgument = loadConfig({ poolMax: 7, statementTimeoutMs: 6_000, applicationName: 'from-arg' }, env);
    const byEnv = loadConfig({}, env);
    const byDefault = loadConfig({}, { DATABASE_URL: env.DATABASE_URL });

    // Assess
    expect(byArgument).toMatchObject({ poolMax: 7, statementTimeoutMs: 6_000, applicationName: 'from-arg' });
    expect(byEnv).toMatchObject({ poolMax: 3, statementTimeoutMs: 4_000, applicationName: 'from-env' });
    expect(byDefault).toMatchObject({
      poolMax: NUMERIC_SETTINGS.poolMax.default,
      statementTimeoutMs: NUMERIC_SETTINGS.statementTimeoutMs.default,
      applicationName: 'gaia-validator',
      driver: 'pg',
    });
  });

  it('runs on embedded PGlite in memory when no URL is given', async () => {
    // Prepare
    const db = createDatabase({ env: {}, logger: captureLogger() });

    try {
      // Act
      const rows = await db.session((s) => s.query<{ ok: number }>('SELECT 1 AS ok'));

      // Assess
      expect(db.driverName).toBe('pglite');
      expect(db.config.pgliteDataDir).toBeUndefined();
      expect(rows.rows).toEqual([{ ok: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe.each(targets)('lazy creation ($name)', (target) => {
  const h = useTarget(target);

  it('does not connect at creation: an unreachable server fails the first session, not createDatabase', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;

    // Act: port 1 on loopback refuses
    const db = h().createDb(tcpOf(h()).via({ host: '127.0.0.1', port: 1 }));
    const before = db.stats();
    const err = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);

    // Assess
    expect(before.pool).toMatchObject({ total: 0, created: 0 });
    expect(before.layer.sessions).toBe(0);
    expect(err).toBeInstanceOf(ConnectionFailedError);
  });
});
