// Several statements at once: inside one session (each on a pooled connection), inside one transaction (one
// connection, in order), and across sessions; every caller gets its own rows.
import { describe, expect, it } from 'vitest';
import { adminOf, supports, targets, useTarget } from '../support/drivers';
import { eventually } from '../support/postgres';

describe.each(targets)('simultaneous queries ($name)', (target) => {
  const h = useTarget(target);

  it('runs Promise.all of reads inside one session, each with its own result', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 4 });

    // Act
    const rows = await db.session((s) =>
      Promise.all(Array.from({ length: 12 }, (_, i) => s.query<{ n: number; pid: number }>('SELECT $1::int AS n, pg_backend_pid() AS pid', [i]))),
    );

    // Assess
    expect(rows.map((r) => r.rows[0]!.n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const { created } = db.stats().pool;
    expect(created).toBeLessThanOrEqual(db.config.poolMax);
    expect(db.stats().pool).toMatchObject({ acquired: 0, waiting: 0, leaks: 0 });
    if (!supports(target, 'concurrentConnections', db)) return;
    expect(created).toBeGreaterThan(1);
    // The server agrees where a backend pid identifies one of our connections (behind a pooler it does not).
    if (!supports(target, 'serverAdmin', db)) return;
    const backends = new Set(rows.map((r) => r.rows[0]!.pid)).size;
    expect(backends).toBeGreaterThan(1);
    expect(backends).toBeLessThanOrEqual(created);
  });

  it('runs the reads of one session in parallel on the server', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 3 });
    if (!supports(target, 'serverAdmin', db)) return;
    const admin = adminOf(h());

    // Act
    let activeAtOnce = 0;
    await db.session(async (s) => {
      const reads = Promise.all(Array.from({ length: 3 }, () => s.query('SELECT pg_sleep(1)')));
      const seen = await eventually(admin.backends, (b) => b.filter((c) => c.state === 'active').length === 3);
      activeAtOnce = seen.filter((c) => c.state === 'active').length;
      await reads;
    });

    // Assess
    expect(activeAtOnce).toBe(3);
  });

  it('runs Promise.all of statements inside one transaction on its one connection', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;

    // Act
    const rows = await db.session((s) =>
      s.transaction((tx) =>
        Promise.all(Array.from({ length: 8 }, (_, i) => tx.query<{ n: number; pid: number }>('SELECT $1::int AS n, pg_backend_pid() AS pid', [i]))),
      ),
    );

    // Assess
    expect(rows.map((r) => r.rows[0]!.n)).toEqual(Array.from({ length: 8 }, (_, i) => i));
    expect(new Set(rows.map((r) => r.rows[0]!.pid)).size).toBe(1);
    expect(db.stats().layer.commits).toBe(1);
  });

  it('runs many sessions at once, each with simultaneous reads', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 4 });

    // Act
    const sums = await Promise.all(
      Array.from({ length: 20 }, (_, session) =>
        db.session(async (s) => {
          const parts = await Promise.all(Array.from({ length: 5 }, (_, k) => s.query<{ v: number }>('SELECT $1::int AS v', [session * 5 + k])));
          return parts.reduce((sum, p) => sum + p.rows[0]!.v, 0);
        }),
      ),
    );

    // Assess
    expect(sums).toEqual(Array.from({ length: 20 }, (_, i) => 25 * i + 10));
    expect(db.stats().pool).toMatchObject({ acquired: 0, waiting: 0, leaks: 0 });
    expect(db.stats().pool.created).toBeLessThanOrEqual(db.config.poolMax);
  });
});
