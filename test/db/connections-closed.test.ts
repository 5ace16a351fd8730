// Connections are closed: a thousand sessions (succeeding or throwing) leave no more connections than the pool's
// size, none idle in a transaction, and the pool's idle timeout closes them all.
import { describe, expect, it } from 'vitest';
import { adminOf, supports, targets, useTarget, type TargetHandle } from '../support/drivers';
import { eventually, randomName } from '../support/postgres';
import type { Database, Session } from '../../lib/db';

const SESSIONS = 1_000;
const AT_ONCE = 10;
const POOL = 3;

/** Runs `SESSIONS` sessions, `AT_ONCE` at a time; returns how many rejected. */
async function runSessions(db: Database, work: (s: Session, i: number) => Promise<void>): Promise<number> {
  let rejected = 0;
  for (let start = 0; start < SESSIONS; start += AT_ONCE) {
    const batch = Array.from({ length: AT_ONCE }, (_, k) => db.session((s) => work(s, start + k)));
    for (const r of await Promise.allSettled(batch)) if (r.status === 'rejected') rejected++;
  }
  return rejected;
}

describe.each(targets)('connections are closed ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(handle: TargetHandle) {
    const db = handle.createDb({ poolMax: POOL, poolIdleTimeoutMs: 300 });
    const table = randomName('conn');
    await handle.sql(db, `CREATE TABLE ${table} (id int PRIMARY KEY)`);
    const count = async () => Number((await handle.sql<{ n: string }>(db, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
    // Writes go through a transaction, or a batch where the driver has no interactive ones (neon-http).
    const interactive = supports(target, 'interactiveTransactions', db);
    const write = (s: Session, statements: { text: string; params?: unknown[] }[], fail = false) =>
      interactive
        ? s.transaction(async (tx) => {
            for (const st of statements) await tx.query(st.text, st.params);
            if (fail) throw new Error('boom');
          })
        : s.batch(fail ? [...statements, { text: 'SELECT 1 / 0' }] : statements);
    return { db, table, count, write };
  }

  /** What the server shows of our connections, and that the idle timeout closes them all. */
  async function assessServer(db: Database) {
    if (!supports(target, 'serverAdmin', db)) return;
    const admin = adminOf(h());
    const backends = await admin.backends();
    expect(backends.length).toBeLessThanOrEqual(POOL);
    expect(backends.filter((b) => b.state === 'idle in transaction')).toEqual([]);
    expect(await eventually(admin.backends, (b) => b.length === 0)).toEqual([]);
  }

  it('after 1,000 sessions: at most the pool size, none idle in transaction, none after the idle timeout', async () => {
    // Prepare
    const { db, table, count, write } = await prepare(h());
    const before = db.stats().layer.sessions;

    // Act
    const rejected = await runSessions(db, async (s, i) => {
      await s.query('SELECT 1');
      await write(s, [{ text: `INSERT INTO ${table} VALUES ($1)`, params: [i] }]);
    });

    // Assess
    expect(rejected).toBe(0);
    expect(db.stats().layer.sessions - before).toBe(SESSIONS);
    expect(await count()).toBe(SESSIONS);
    const pool = db.stats().pool;
    expect(pool).toMatchObject({ acquired: 0, waiting: 0, leaks: 0 });
    expect(pool.total).toBeLessThanOrEqual(POOL);
    expect(pool.created).toBeLessThanOrEqual(POOL);
    await assessServer(db);
    expect((await eventually(async () => db.stats().pool, (p) => p.total === 0)).total).toBe(0);
  });

  it('after 1,000 sessions that throw: at most the pool size, none idle in transaction, nothing committed', async () => {
    // Prepare
    const { db, table, count, write } = await prepare(h());

    // Act: a third throw inside a transaction, a third fail on a statement, a third throw after a read
    const rejected = await runSessions(db, async (s, i) => {
      if (i % 3 === 0) {
        await write(s, [{ text: `INSERT INTO ${table} VALUES ($1)`, params: [i] }], true);
      } else if (i % 3 === 1) {
        await write(s, [{ text: `INSERT INTO ${table} VALUES ($1), ($1)`, params: [i] }]); // duplicate key
      } else {
        await s.query('SELECT 1');
        throw new Error('boom');
      }
    });

    // Assess
    expect(rejected).toBe(SESSIONS);
    expect(await count()).toBe(0);
    const pool = db.stats().pool;
    expect(pool).toMatchObject({ acquired: 0, waiting: 0, leaks: 0 });
    expect(pool.total).toBeLessThanOrEqual(POOL);
    expect(db.stats().layer.commits).toBe(0);
    await assessServer(db);
    expect((await eventually(async () => db.stats().pool, (p) => p.total === 0)).total).toBe(0);
  });
});
