// Rollback: a transaction that throws, hits its statement timeout, its own timeout or the session's deadline
// leaves no partial write (checked from outside the code under test); a timed-out connection is destroyed.
import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, StatementTimeoutError, TransactionTimeoutError, type Database } from '../../lib/db';
import { adminOf, supports, targets, useTarget } from '../support/drivers';
import { gate } from '../support/gate';
import { eventually, randomName } from '../support/postgres';

describe.each(targets)('rollback ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(db: Database) {
    const table = randomName('rb');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    const count = async () => Number((await h().sql<{ n: string }>(db, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
    return { table, count };
  }

  it('rolls back when the callback throws', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, count } = await prepare(db);

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1), (2)`);
          throw new Error('boom');
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect((outcome as Error).message).toBe('boom');
    expect(await count()).toBe(0);
    expect(db.stats().layer).toMatchObject({ rollbacks: 1, commits: 0 });
  });

  it('rolls back on a statement timeout enforced by the server, and keeps the connection', async () => {
    // Prepare
    const db = h().createDb({ statementTimeoutMs: 100, lockTimeoutMs: 100 });
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, count } = await prepare(db);
    if (!supports(target, 'serverEnforcedTimeouts', db)) return;

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          await tx.query('SELECT pg_sleep(5)');
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(StatementTimeoutError);
    expect(outcome).toMatchObject({ sqlstate: '57014', retryable: true });
    expect(await count()).toBe(0);
    // The server cancelled the statement and the ROLLBACK went through: the connection is sound and stays pooled.
    expect(db.stats().pool.destroyed).toBe(0);
  });

  it('rolls back on the transaction timeout and destroys the connection', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, count } = await prepare(db);
    const never = gate();
    let pid: number | undefined;

    // Act: a slow callback (an outside call inside the transaction) outlives timeoutMs
    const outcome = await db
      .session((s) =>
        s.transaction(
          async (tx) => {
            await tx.query(`INSERT INTO ${table} VALUES (1)`);
            pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
            await never.promise;
          },
          { timeoutMs: 200 },
        ),
      )
      .catch((e: unknown) => e);
    never.open();

    // Assess
    expect(outcome).toBeInstanceOf(TransactionTimeoutError);
    expect(outcome).toMatchObject({ code: 'TRANSACTION_TIMEOUT', limitMs: 200 });
    expect(await count()).toBe(0);
    expect(db.stats().pool.destroyed).toBe(1);
    expect(db.stats().layer.timeouts.transaction).toBe(1);
    if (!supports(target, 'serverAdmin', db)) return;
    const backends = await eventually(adminOf(h()).backends, (b) => !b.some((c) => c.pid === pid));
    expect(backends.map((b) => b.pid)).not.toContain(pid);
  });

  it('rolls back when the session deadline passes inside the transaction', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, count } = await prepare(db);
    const never = gate();

    // Act
    const outcome = await db
      .session(
        (s) =>
          s.transaction(async (tx) => {
            await tx.query(`INSERT INTO ${table} VALUES (1)`);
            await never.promise;
          }),
        { deadline: Date.now() + 300 },
      )
      .catch((e: unknown) => e);
    never.open();

    // Assess
    expect(outcome).toBeInstanceOf(DeadlineExceededError);
    expect(outcome).toMatchObject({ retryable: false });
    expect(await count()).toBe(0);
    // Cut short by the deadline, not forgotten by the caller: no leak is reported.
    expect(db.stats().pool.leaks).toBe(0);
    expect(db.stats().pool.destroyed).toBe(1);
  });

  it('rolls back when the session deadline passes during a statement', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, count } = await prepare(db);
    // The statement must run on the server while this thread's timers fire: PGlite runs it on this thread.
    if (!supports(target, 'concurrentConnections', db)) return;

    // Act
    const outcome = await db
      .session(
        (s) =>
          s.transaction(async (tx) => {
            await tx.query(`INSERT INTO ${table} VALUES (1)`);
            await tx.query('SELECT pg_sleep(5)');
          }),
        { deadline: Date.now() + 300 },
      )
      .catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(DeadlineExceededError);
    expect(await count()).toBe(0);
    expect(db.stats().pool.leaks).toBe(0);
    if (!supports(target, 'serverAdmin', db)) return;
    expect(await eventually(adminOf(h()).backends, (b) => b.every((c) => c.state !== 'active'))).not.toContainEqual(
      expect.objectContaining({ state: 'active' }),
    );
  });
});
