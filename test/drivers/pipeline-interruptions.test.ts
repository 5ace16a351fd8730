// A pipelined unit interrupted while the server runs it: a backend terminated mid-unit (FATAL) is a lost connection
// and nothing of the unit remains; a PostgreSQL cancel request (the existing cancel() path) stops the running
// statement with 57014, nothing remains and the connection goes on; a connection destroyed under the unit settles the
// call at once, but cannot take back what the server already received.
import { describe, expect, it } from 'vitest';
import { ConnectionLostError, StatementTimeoutError, type DbError } from '../../lib/db';
import type { DriverConnection } from '../../lib/db/driver';
import { adminQuery, eventually } from '../support/postgres';
import { pipelineTargets, usePipelineTarget } from './pipeline-targets';

const ROWS = { rowMode: 'object', rawTemporal: false } as const;

describe.each(pipelineTargets)('interrupted pipelined units on $name', (target) => {

  const h = usePipelineTarget(target, 'CREATE TABLE log (n int)');

  const logged = async () => (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM log', [], h.tdb.name))[0]!.n;
  /** The server backend running the unit's sleep, once it runs (behind PgBouncer: PgBouncer's server connection). */
  const sleeper = async (marker: string) => {
    const found = await eventually(
      () => adminQuery<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE $2", [h.tdb.name, `%${marker}%`]),
      (r) => r.length === 1,
    );
    expect(found).toHaveLength(1);
    return found[0]!.pid;
  };
  const sleepingUnit = (conn: DriverConnection, marker: string) =>
    conn
      .pipeline!({ begin: h.begin(), statements: [{ text: 'INSERT INTO log VALUES (1)' }, { text: `SELECT pg_sleep(30) AS ${marker}` }, { text: 'INSERT INTO log VALUES (2)' }], commit: true }, ROWS)
      .then(
        () => {
          throw new Error('expected the unit to fail');
        },
        (error: unknown) => error as DbError,
      );

  it('types a backend terminated mid-unit as a lost connection, naming the statement', async (context) => {
    h.require(context);
    // Prepare
    const conn = await h.connect();
    const failed = sleepingUnit(conn, 'terminated_here');

    // Act
    await adminQuery('SELECT pg_terminate_backend($1)', [await sleeper('terminated_here')]);
    const error = await failed;

    // Assess
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.failedAt).toMatchObject({ part: 'statement', index: 1, of: 3 });
    expect(conn.alive).toBe(false);
    expect(await logged()).toBe(0);
  });

  it('settles at once when the connection is destroyed under it, while the server still runs what it received', async (context) => {
    h.require(context);
    // Prepare: a short sleep, so the server reaches the unit's COMMIT on its own.
    const conn = await h.connect();
    const failed = conn
      .pipeline!({ begin: h.begin(), statements: [{ text: 'SELECT pg_sleep(0.5) AS destroyed_here' }, { text: 'INSERT INTO log VALUES (3)' }], commit: true }, ROWS)
      .then(
        () => undefined,
        (error: unknown) => error as DbError,
      );
    await sleeper('destroyed_here');

    // Act
    conn.destroy();
    const error = await failed;

    // Assess: the caller learns at once; but the whole unit is already in the server's input, which it reads
    // without looking at the socket, so it commits. Only a cancel request (the layer's guards send one before
    // destroying) stops a unit in flight: a destroyed unit's outcome is unknown, as a COMMIT in flight is.
    // The server answers nothing before the Sync: which step was running is not known, and not claimed.
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error?.failedAt).toBeUndefined();
    expect(conn.alive).toBe(false);
    expect(await eventually(logged, (n) => n === 1)).toBe(1);
    await adminQuery('TRUNCATE log', [], h.tdb.name);
  });

  it('is stopped by a cancel request (57014), rolled back, and the connection goes on', async (context) => {
    h.require(context);
    // Prepare
    const conn = await h.connect();
    const failed = sleepingUnit(conn, 'cancelled_here');
    await sleeper('cancelled_here');

    // Act
    await conn.cancel();
    const error = await failed;

    // Assess
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect(error.sqlstate).toBe('57014');
    expect(error.failedAt).toMatchObject({ part: 'statement', index: 1, of: 3 });
    expect(conn.alive).toBe(true);
    expect((await conn.query('SELECT count(*)::int AS n FROM log', undefined, ROWS)).rows).toEqual([{ n: 0 }]);
    expect(await logged()).toBe(0);
  });
});
