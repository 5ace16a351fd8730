// The server's own limits still apply to each statement of a pipelined unit: a statement that sleeps past its
// statement timeout is cancelled by the server (57014), a lock wait past the lock timeout ends with 55P03, typed as
// query() types them and naming the statement; nothing of the unit remains and the connection goes on.
import { describe, expect, it } from 'vitest';
import { LockTimeoutError, StatementTimeoutError, type DbError } from '../../lib/db';
import type { DriverConnection } from '../../lib/db/driver';
import { adminQuery } from '../support/postgres';
import { countedFailure, pipelineTargets, usePipelineTarget } from './pipeline-targets';

const ROWS = { rowMode: 'object', rawTemporal: false } as const;
const LIMIT_MS = 300;

describe.each(pipelineTargets)('server limits inside a pipelined unit on $name', (target) => {
  const h = usePipelineTarget(target, 'CREATE TABLE account (id int PRIMARY KEY, balance int); INSERT INTO account VALUES (1, 10); CREATE TABLE log (n int)');
  let conn: DriverConnection;

  const logged = async () => (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM log', [], h.tdb.name))[0]!.n;
  const limits = { statementMs: LIMIT_MS, lockMs: LIMIT_MS };

  it('has the server cancel a statement past its statement timeout (57014), naming it', async (context) => {
    h.require(context);
    // Prepare: the configured limits (startup parameters on direct, SET LOCAL in the unit behind PgBouncer).
    conn ??= await h.connect(limits);
    const statements = [{ text: 'INSERT INTO log VALUES (1)' }, { text: 'SELECT pg_sleep(5)' }, { text: 'INSERT INTO log VALUES (2)' }];

    // Act
    const { error, roundTrips } = await countedFailure(h.wire, () => conn.pipeline!({ begin: h.begin({ timeouts: limits }), statements, commit: true }, ROWS));

    // Assess
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect((error as DbError).sqlstate).toBe('57014');
    expect((error as DbError).failedAt).toMatchObject({ part: 'statement', index: 1, of: 3 });
    expect(roundTrips).toBe(2);
    expect(await logged()).toBe(0);
    expect(conn.alive).toBe(true);
  });

  it('applies a deadline that lowers the statement timeout within the unit only', async (context) => {
    h.require(context);
    // Prepare: generous configured limits; the unit's deadline lowers the statement timeout (SET LOCAL on both).
    const generous = await h.connect();

    // Act
    const { error } = await countedFailure(h.wire, () =>
      generous.pipeline!({ begin: h.begin({ lowered: { statementMs: LIMIT_MS } }), statements: [{ text: 'SELECT pg_sleep(5)' }], commit: true }, ROWS),
    );
    const after = await generous.query("SELECT current_setting('statement_timeout') AS st", undefined, ROWS);

    // Assess
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect((error as DbError).failedAt).toMatchObject({ part: 'statement', index: 0 });
    expect(after.rows).toEqual([{ st: h.profile.startupParameters ? '10s' : '0' }]);
  });

  it('ends a lock wait past the lock timeout with 55P03, naming the statement', async (context) => {
    h.require(context);
    // Prepare: another transaction holds the row; the statement timeout is well above the lock timeout.
    const lockLimits = { statementMs: 10 * LIMIT_MS, lockMs: LIMIT_MS };
    const waiter = await h.connect(lockLimits);
    const holder = await h.connect();
    await holder.exec('BEGIN');
    await holder.query('SELECT * FROM account WHERE id = 1 FOR UPDATE', undefined, ROWS);

    // Act
    const { error, roundTrips } = await countedFailure(h.wire, () =>
      waiter.pipeline!(
        { begin: h.begin({ timeouts: lockLimits }), statements: [{ text: 'INSERT INTO log VALUES (1)' }, { text: 'UPDATE account SET balance = balance + 1 WHERE id = $1', params: [1] }], commit: true },
        ROWS,
      ),
    );
    await holder.exec('ROLLBACK');

    // Assess
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as DbError).sqlstate).toBe('55P03');
    expect((error as DbError).failedAt).toMatchObject({ part: 'statement', index: 1, of: 2 });
    expect(roundTrips).toBe(2);
    expect(await logged()).toBe(0);
    expect((await adminQuery<{ balance: number }>('SELECT balance FROM account WHERE id = 1', [], h.tdb.name))[0]!.balance).toBe(10);
  });
});
