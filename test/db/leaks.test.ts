// A session that forgets an await: whatever it left open is rolled back, counted and logged with where it was
// opened, nothing of it commits, and the session refuses to be used after it ended.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DbError, SessionClosedError, type Session } from '../../lib/db';
import { adminOf, supports, targets, useTarget } from '../support/drivers';
import { gate } from '../support/gate';
import { captureLogger } from '../support/logger';
import { eventually, randomName } from '../support/postgres';

/** The settled value or the error, without an unhandled rejection in between. */
const settle = (p: Promise<unknown>): Promise<unknown> => p.then((v) => v, (e: unknown) => e);

describe.each(targets)('leaks ($name)', (target) => {
  const h = useTarget(target);

  async function prepare() {
    const logger = captureLogger();
    const db = h().createDb({ logger, poolMax: 2, leakStacks: true });
    const table = randomName('leak');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    const count = async () => Number((await h().sql<{ n: string }>(db, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
    const leakLines = () => logger.lines.filter((l) => l.level === 'error' && l.message.startsWith('leak:'));
    return { db, table, count, leakLines };
  }

  it('without DB_LEAK_STACKS reports the first leak by name and captures stacks from then on', async () => {
    // Prepare
    const logger = captureLogger();
    const db = h().createDb({ logger, poolMax: 2, leakStacks: false });
    const table = randomName('leak');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    const leakLines = () => logger.lines.filter((l) => l.level === 'error' && l.message.startsWith('leak:'));

    // Act: two sessions that each forget to await a read
    for (let i = 0; i < 2; i++) {
      let leaked: Promise<unknown> | undefined;
      await db.session(async (s) => {
        leaked = settle(s.query(`SELECT count(*) FROM ${table}`));
      }, { name: 'forgetful' });
      await leaked;
    }

    // Assess
    expect(leakLines()).toHaveLength(2);
    expect(leakLines()[0]!.fields.name).toBe('forgetful');
    expect(String(leakLines()[0]!.fields.openedAt)).toContain('DB_LEAK_STACKS');
    expect(String(leakLines()[1]!.fields.openedAt)).toContain('leaks.test.ts');
  });

  it('rolls back a transaction started without await (not yet begun when the session ended)', async () => {
    // Prepare
    const { db, table, count, leakLines } = await prepare();
    if (!supports(target, 'interactiveTransactions', db)) return;
    let leaked: Promise<unknown> | undefined;

    // Act
    await db.session(async (s) => {
      leaked = settle(s.transaction((tx) => tx.query(`INSERT INTO ${table} VALUES (1)`)));
    });
    const outcome = await leaked;

    // Assess
    expect(outcome).toBeInstanceOf(SessionClosedError);
    expect(db.stats().pool.leaks).toBe(1);
    expect(leakLines()).toHaveLength(1);
    expect(String(leakLines()[0]!.fields.openedAt)).toContain('leaks.test.ts');
    expect(await count()).toBe(0);
  });

  it('rolls back a transaction still running when the session ended', async () => {
    // Prepare
    const { db, table, count, leakLines } = await prepare();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const inserted = gate();
    const hold = gate();
    let leaked: Promise<unknown> | undefined;

    // Act
    await db.session(async (s) => {
      leaked = settle(
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          inserted.open();
          await hold.promise;
          await tx.query(`INSERT INTO ${table} VALUES (2)`);
        }),
      );
      await inserted.promise; // the transaction has written; the session returns without awaiting it
    });
    hold.open();
    const outcome = await leaked;

    // Assess
    expect(outcome).toBeInstanceOf(SessionClosedError);
    expect(db.stats().pool.leaks).toBe(1);
    expect(db.stats().layer.commits).toBe(0);
    expect(leakLines()).toHaveLength(1);
    expect(String(leakLines()[0]!.fields.openedAt)).toContain('leaks.test.ts');
    expect(await count()).toBe(0);
  });

  it('never sends a query started without await, and reports where it was started', async () => {
    // Prepare
    const { db, table, count, leakLines } = await prepare();
    let leaked: Promise<unknown> | undefined;

    // Act
    await db.session(async (s) => {
      leaked = settle(s.query(`INSERT INTO ${table} VALUES (1)`));
    });
    const outcome = await leaked;

    // Assess
    expect(outcome).toBeInstanceOf(SessionClosedError);
    expect(db.stats().pool.leaks).toBe(1);
    expect(leakLines()).toHaveLength(1);
    expect(String(leakLines()[0]!.fields.openedAt)).toContain('leaks.test.ts');
    expect(await count()).toBe(0);
    expect(db.stats().pool.acquired).toBe(0);
  });

  it('cancels a query still running on the server when the session ended', async () => {
    // Prepare
    const { db, table, count, leakLines } = await prepare();
    // A statement running while JavaScript goes on needs a server of its own (PGlite runs it on this thread).
    if (!supports(target, 'serverAdmin', db)) return;
    const admin = adminOf(h());
    let leaked: Promise<unknown> | undefined;

    // Act
    await db.session(async (s) => {
      leaked = settle(s.query(`INSERT INTO ${table} SELECT 1 FROM pg_sleep(30)`));
      await eventually(admin.backends, (b) => b.some((c) => c.state === 'active'));
    });
    const outcome = await leaked;

    // Assess
    expect(outcome).toBeInstanceOf(DbError);
    expect(db.stats().pool.leaks).toBe(1);
    expect(leakLines()).toHaveLength(1);
    expect(String(leakLines()[0]!.fields.openedAt)).toContain('leaks.test.ts');
    expect(await eventually(admin.backends, (b) => b.every((c) => c.state !== 'active'))).not.toContainEqual(
      expect.objectContaining({ state: 'active' }),
    );
    expect(await count()).toBe(0);
  });

  it('raises SessionClosedError when a session is used after it ended', async () => {
    // Prepare
    const { db } = await prepare();
    let saved: Session | undefined;
    await db.session(async (s) => {
      saved = s;
    });
    const s = saved!;

    // Act
    const outcomes = await Promise.all([
      settle(s.query('SELECT 1')),
      settle(s.transaction((tx) => tx.query('SELECT 1'))),
      settle(s.db.execute(sql`SELECT 1`)),
    ]);

    // Assess
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(SessionClosedError);
    expect(db.stats().pool.leaks).toBe(0);
  });
});
