// Nothing crosses from one session to the next: a BEGIN or a session-level SET sent as a statement (raw or through
// drizzle's session.db) is refused before it reaches the server, so the next session never runs inside someone's
// transaction nor with someone's settings. Checked on every driver, through PgBouncer and on the RDS Proxy profile.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { StatementRefusedError, type Database } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

/** True when no write transaction is in progress around the statement (inside one begun earlier, it has an id). */
const OWN_TRANSACTION = 'SELECT txid_current_if_assigned() IS NULL AS own';

describe.each(targets)('session isolation ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(db: Database) {
    const table = randomName('iso');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    const ids = async () => (await h().sql<{ id: number }>(db, `SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
    return { table, ids };
  }

  it.each([
    ['session.db', 'raw'],
    ['session.query', 'raw'],
    ['session.db', 'rds-proxy'],
  ] as const)("refuses an autocommit BEGIN through %s (%s profile): the next session runs outside it, and a later transaction commits only its own work", async (via, profile) => {
    // Prepare
    const db = h().createDb(profile === 'rds-proxy' ? { proxyProfile: 'rds-proxy' } : {});
    const { table, ids } = await prepare(db);
    const begin = async (s: Parameters<Parameters<Database['session']>[0]>[0]) => {
      if (via === 'session.db') await s.db.execute(sql`begin`);
      else await s.query('begin');
    };

    // Act: session 1 opens a transaction the pg-proxy way, writes, and fails before any COMMIT
    const first = await db
      .session(async (s) => {
        await begin(s);
        await s.db.execute(sql.raw(`insert into ${table} values (1)`));
        throw new Error('failed before COMMIT');
      })
      .catch((e: unknown) => e);
    const second = await db.session(async (s) => {
      const own = (await s.query<{ own: boolean }>(OWN_TRANSACTION)).rows[0]!.own;
      const seen = (await s.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n;
      return { own, seen };
    });
    await db.session((s) => s.batch([{ text: `INSERT INTO ${table} VALUES (3)` }]));

    // Assess
    expect(first).toBeInstanceOf(StatementRefusedError);
    expect(first).toMatchObject({ code: 'UNSUPPORTED', statement: 'BEGIN' });
    expect((first as Error).message).toContain('session.transaction(fn)');
    expect(second).toEqual({ own: true, seen: '0' });
    expect(await ids()).toEqual([3]);
    expect(db.stats().pool.leaks).toBe(0);
  });

  it('refuses COMMIT, ROLLBACK and SAVEPOINT sent inside a transaction; the transaction rejects with it and keeps nothing', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const outcomes = [];
    for (const control of ['commit', 'rollback', 'savepoint a']) {
      outcomes.push(
        await db
          .session((s) =>
            s.transaction(async (tx) => {
              await tx.query(`INSERT INTO ${table} VALUES (1)`);
              await tx.db.execute(sql.raw(control));
              await tx.query(`INSERT INTO ${table} VALUES (2)`);
            }),
          )
          .catch((e: unknown) => e),
      );
    }

    // Assess
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(StatementRefusedError);
      expect((outcome as Error).message).toContain('tx.rollback()');
    }
    expect(await ids()).toEqual([]);
    expect(db.stats().pool.leaks).toBe(0);
  });

  it.each([
    ['session.db', "set time zone '-10'"],
    ['session.query', "SET TIME ZONE '-10'"],
    ['session.query', "SELECT set_config('TimeZone', '-10', false)"],
    ['session.query', 'SET SESSION AUTHORIZATION DEFAULT'],
    ['session.query', 'RESET ALL'],
  ] as const)('refuses a session-level setting through %s (%s): later sessions keep the configured values', async (via, statement) => {
    // Prepare
    const db = h().createDb();
    const zone = () => db.session(async (s) => (await s.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]!.tz);
    const before = await zone();

    // Act
    const outcome = await db
      .session(async (s) => {
        if (via === 'session.db') await s.db.execute(sql.raw(statement));
        else await s.query(statement);
      })
      .catch((e: unknown) => e);
    const after = await zone();

    // Assess
    expect(outcome).toBeInstanceOf(StatementRefusedError);
    expect((outcome as Error).message).toMatch(/SET LOCAL|set_config/);
    expect(after).toBe(before);
    expect(after).not.toBe('-10');
  });

  it('refuses a session-level SET inside a transaction (it would outlive the COMMIT) and lets SET LOCAL end with it', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const zone = () => db.session(async (s) => (await s.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]!.tz);
    const before = await zone();

    // Act
    const session = await db.session((s) => s.transaction((tx) => tx.db.execute(sql`set time zone '-10'`))).catch((e: unknown) => e);
    const local = await db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query("SET LOCAL TIME ZONE '-10'");
        return (await tx.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]!.tz;
      }),
    );
    const after = await zone();

    // Assess
    expect(session).toBeInstanceOf(StatementRefusedError);
    expect((session as Error).message).toContain('SET LOCAL');
    expect(local).not.toBe(before);
    expect(after).toBe(before);
  });
});
