// SessionOptions.onSummary: each session hands its own figures (round trips, database time, pool wait, leaks,
// retries, timeouts by kind, connection losses, outcome) to the caller once, when it ends, whatever happened in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLostError, createDatabase, StatementTimeoutError, type Database, type Session, type SessionSummary } from '../../lib/db';
import { captureLogger } from '../support/logger';
import { adminQuery, createTestDatabase, randomName, type TestDatabase } from '../support/postgres';

/** Runs fn as one session and returns its outcome and the summary it handed over. */
async function summarized(db: Database, fn: (s: Session) => Promise<unknown>): Promise<{ result: unknown; summaries: SessionSummary[] }> {
  const summaries: SessionSummary[] = [];
  const result = await db.session(fn, { name: 'probe', onSummary: (s) => summaries.push(s) }).catch((e: unknown) => e);
  return { result, summaries };
}

describe('session summary hook', () => {
  let tdb: TestDatabase;
  let db: Database;
  const logger = captureLogger();

  beforeAll(async () => {
    tdb = await createTestDatabase('summary');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger, poolMax: 2 });
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('hands over the figures of a successful session once, equal to the logged summary line', async () => {
    // Act
    const { result, summaries } = await summarized(db, async (s) => {
      await s.query('SELECT 1');
      await s.transaction(async (tx) => tx.query('SELECT 2'));
      return 'done';
    });
    // Assess
    expect(result).toBe('done');
    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    // SELECT 1, then BEGIN + SELECT 2 + COMMIT
    expect(summary).toMatchObject({ name: 'probe', outcome: 'ok', queries: 4, transactions: 1, leaks: 0, retries: 0, connectionLosses: 0, timeouts: {} });
    expect(summary!.dbTimeMs).toBeGreaterThan(0);
    expect(summary!.acquireWaitMs).toBeGreaterThanOrEqual(0);
    const logged = logger.find('session summary').at(-1)!.fields;
    expect(logged).toEqual(summary);
  });

  it('counts a statement timeout of this session by kind, with the error outcome', async () => {
    // Prepare: a database whose statement limit is short
    const quick = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger, statementTimeoutMs: 100, lockTimeoutMs: 50 });
    try {
      // Act
      const timed = await summarized(quick, (s) => s.query('SELECT pg_sleep(2)'));
      const next = await summarized(quick, (s) => s.query('SELECT 1'));
      // Assess
      expect(timed.result).toBeInstanceOf(StatementTimeoutError);
      expect(timed.summaries).toHaveLength(1);
      expect(timed.summaries[0]).toMatchObject({ outcome: 'error', errorCode: 'STATEMENT_TIMEOUT', timeouts: { statement: 1 } });
      // Another session of the same database is not charged with it.
      expect(next.summaries[0]).toMatchObject({ outcome: 'ok', timeouts: {} });
    } finally {
      await quick.close();
    }
  });

  it('counts a connection lost under a statement, as the layer counters do', async () => {
    const before = db.stats().layer.connectionLosses;
    // Act: the backend of this very session is terminated while its statement runs
    const { result, summaries } = await summarized(db, async (s) => {
      const pid = (await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const killer = (async () => {
        for (let i = 0; i < 200; i++) {
          const [row] = await adminQuery<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'PgSleep'", [pid]);
          if (row && Number(row.n) > 0) return adminQuery('SELECT pg_terminate_backend($1)', [pid]);
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the statement never started sleeping');
      })();
      try {
        await s.transaction((tx) => tx.query('SELECT pg_sleep(30)'));
      } finally {
        await killer;
      }
    });
    // Assess
    expect(result).toBeInstanceOf(ConnectionLostError);
    expect(summaries[0]).toMatchObject({ outcome: 'error', errorCode: 'CONNECTION_LOST' });
    // The statement's loss, and the rollback's on the same dead connection: each counted once, here as in the layer.
    expect(summaries[0]!.connectionLosses).toBeGreaterThanOrEqual(1);
    expect(summaries[0]!.connectionLosses).toBe(db.stats().layer.connectionLosses - before);
  });

  it('counts a leak the session left behind', async () => {
    // Prepare
    const table = randomName('leak');
    await db.session((s) => s.query(`CREATE TABLE ${table} (id int)`));
    let forgotten: Promise<unknown> | undefined;
    // Act: a transaction not awaited
    const { summaries } = await summarized(db, async (s) => {
      forgotten = s.transaction((tx) => tx.query(`INSERT INTO ${table} VALUES (1)`)).catch((e: unknown) => e);
    });
    await forgotten;
    // Assess
    expect(summaries[0]).toMatchObject({ outcome: 'ok', leaks: 1 });
  });

  it('drops (and logs) an exception of the callback without changing the session result', async () => {
    // Act
    const result = await db.session(async () => 42, {
      onSummary: () => {
        throw new Error('metrics sink down');
      },
    });
    // Assess
    expect(result).toBe(42);
    expect(logger.find('session summary callback failed').at(-1)?.fields.error).toBe('metrics sink down');
  });
});
