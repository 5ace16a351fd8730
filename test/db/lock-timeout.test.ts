// Lock timeout: a transaction waiting for a row lock held elsewhere gives up with LockTimeoutError (55P03)
// after lockTimeoutMs; the holder is unaffected and commits its own change.
import { describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../lib/db';
import { adminOf, supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

describe.each(targets)('lock timeout ($name)', (target) => {
  const h = useTarget(target);

  it('fails the waiter with LockTimeoutError and leaves the holder free to commit', async () => {
    // Prepare
    const db = h().createDb({ lockTimeoutMs: 200, statementTimeoutMs: 2_000 });
    if (!supports(target, 'interactiveTransactions', db)) return;
    // A lock held elsewhere needs a second session on the server, and a server that enforces lock_timeout.
    if (!supports(target, 'serverEnforcedTimeouts', db) || !supports(target, 'serverAdmin', db)) return;
    const table = randomName('lk');
    await h().sql(db, `CREATE TABLE ${table} (id int PRIMARY KEY, owner text)`);
    await h().sql(db, `INSERT INTO ${table} VALUES (1, 'nobody')`);
    const holder = await adminOf(h()).connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`);

    // Act
    const outcome = await db
      .session((s) => s.transaction((tx) => tx.query(`UPDATE ${table} SET owner = 'waiter' WHERE id = 1`)))
      .catch((e: unknown) => e);
    await holder.query(`UPDATE ${table} SET owner = 'holder' WHERE id = 1`);
    await holder.query('COMMIT');
    await holder.end();

    // Assess
    expect(outcome).toBeInstanceOf(LockTimeoutError);
    expect(outcome).toMatchObject({ sqlstate: '55P03', retryable: true, kind: 'lock' });
    expect(await h().sql(db, `SELECT owner FROM ${table}`)).toEqual([{ owner: 'holder' }]);
    expect(db.stats().layer.timeouts.lock).toBe(1);
    expect(db.stats().pool).toMatchObject({ acquired: 0, leaks: 0 });
  });
});
