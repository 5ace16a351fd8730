// The server ends a transaction left idle past idle_in_transaction_session_timeout with FATAL 25P03, sent while no
// statement runs. The next statement of the transaction fails with the timeout that caused it (504), counted as one,
// not as a lost connection: the dead connection keeps the server's last error.
import { describe, expect, it } from 'vitest';
import { IdleInTransactionTimeoutError } from '../../lib/db';
import { targets, useTarget } from '../support/drivers';
import { eventually } from '../support/postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Where the connection is ours (pg direct, through PgBouncer, neon-ws); the HTTP drivers' transactions live on the
// service's connections and PGlite enforces no server timeouts.
const ownConnections = targets.filter((t) => !t.lacks.tcp);

describe.each(ownConnections)('idle-in-transaction timeout ($name)', (target) => {
  const h = useTarget(target);

  it('is IdleInTransactionTimeoutError on the next statement, counted as that timeout, and commits nothing', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 1, idleInTransactionTimeoutMs: 1_000 });
    await h().sql(db, 'CREATE TABLE IF NOT EXISTS idle_tx (n int)');

    // Act: the reproduction of issue 13
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query('SELECT 1');
          await tx.query('INSERT INTO idle_tx VALUES (1)');
          await sleep(1_500);
          await tx.query('SELECT 2');
        }),
      )
      .then(() => undefined, (err: unknown) => err);

    // Assess
    expect(outcome).toBeInstanceOf(IdleInTransactionTimeoutError);
    expect(outcome).toMatchObject({ code: 'IDLE_IN_TRANSACTION_TIMEOUT', sqlstate: '25P03' });
    const layer = db.stats().layer;
    expect(layer.timeouts.idle_in_transaction).toBe(1);
    expect(layer.connectionLosses).toBe(0);
    expect(await h().sql(db, 'SELECT * FROM idle_tx')).toEqual([]);
    expect(await eventually(async () => db.stats().pool, (p) => p.total === 0 && p.acquired === 0)).toMatchObject({ total: 0, acquired: 0 });

    // and the next session gets a fresh connection
    expect((await db.session((s) => s.query<{ one: number }>('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
  });
});
