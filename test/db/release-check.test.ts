// The pool's last line of defence: whatever got a connection into a transaction past the statement rules, the
// server reports it with every ReadyForQuery, and a connection released in that state is destroyed (the server
// rolls back), counted and reported as a leak naming the statement that opened it; the next acquire gets a clean
// connection. Driven through the real pool and driver, below the session (the session refuses such statements).
import { describe, expect, it } from 'vitest';
import type { Database } from '../../lib/db';
import type { QueryOptions } from '../../lib/db/driver';
import { LazyDriver } from '../../lib/db/drivers/lazy';
import { Pool } from '../../lib/db/pool';
import { reportUncleanRelease } from '../../lib/db/release-report';
import { supports, targets, useTarget } from '../support/drivers';
import { captureLogger } from '../support/logger';
import { randomName } from '../support/postgres';

const ROWS: QueryOptions = { rowMode: 'object', rawTemporal: false };
const LIMITS = { waitMs: 5_000, connectMs: 5_000 };

describe.each(targets)('release check ($name)', (target) => {
  const h = useTarget(target);

  /** A pool of one over the target's driver, reporting to a captured logger, and a table to write to. */
  async function prepare(db: Database) {
    const table = randomName('rel');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    // The embedded instance is exclusive: the database under test lets go of it first.
    await db.close();
    const logger = captureLogger();
    const pool = new Pool(new LazyDriver(db.config, db.profile), {
      max: 1,
      idleTimeoutMs: 60_000,
      maxLifetimeMs: 900_000,
      validateAfterIdleMs: 60_000,
      validationTimeoutMs: 1_000,
    });
    pool.onUncleanRelease = (conn) => reportUncleanRelease(logger, conn);
    return { table, logger, pool };
  }

  it.each([
    ['inside a transaction', (table: string) => [`BEGIN`, `INSERT INTO ${table} VALUES (42)`]],
    ['inside a failed transaction', (table: string) => [`BEGIN`, `INSERT INTO ${table} VALUES (42)`, 'SELECT 1/0']],
  ] as const)('destroys a connection released %s, rolls it back, and reports the statement that opened it', async (_, statements) => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'serverSession', db)) return;
    const { table, logger, pool } = await prepare(db);

    // Act
    const first = await pool.acquire(LIMITS);
    for (const text of statements(table)) await first.conn.query(text, undefined, ROWS).catch(() => undefined);
    const status = first.conn.transactionStatus;
    pool.release(first.conn);
    const second = await pool.acquire(LIMITS);
    const seen = await second.conn.query(`SELECT txid_current_if_assigned() IS NULL AS clean, (SELECT count(*) FROM ${table}) AS n`, undefined, ROWS);
    const secondStatus = second.conn.transactionStatus;
    pool.release(second.conn);
    const counters = pool.counters;
    await pool.close();

    // Assess
    expect(status).not.toBe('idle');
    expect(second.conn).not.toBe(first.conn);
    expect(second.reused).toBe(false);
    expect(seen.rows).toEqual([{ clean: true, n: '0' }]);
    expect(secondStatus).toBe('idle');
    expect(counters).toMatchObject({ leaks: 1, created: 2, destroyed: 1, idle: 1 });
    const reports = logger.find('leak: connection released inside a transaction');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.fields).toMatchObject({ connection: first.conn.id, statement: 'BEGIN' });
  });

  it('pools a connection whose transaction ended, and forgets what opened it', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'serverSession', db)) return;
    const { table, logger, pool } = await prepare(db);

    // Act
    const first = await pool.acquire(LIMITS);
    for (const text of ['BEGIN', `INSERT INTO ${table} VALUES (1)`, 'COMMIT']) await first.conn.query(text, undefined, ROWS);
    const opened = first.conn.transactionOpenedBy;
    pool.release(first.conn);
    const second = await pool.acquire(LIMITS);
    pool.release(second.conn);
    const counters = pool.counters;
    await pool.close();

    // Assess
    expect(opened).toBeUndefined();
    expect(second.conn).toBe(first.conn);
    expect(counters).toMatchObject({ leaks: 0, created: 1, destroyed: 0 });
    expect(logger.lines).toEqual([]);
  });
});
