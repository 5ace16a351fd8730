// Connection loss: a pooled connection killed on the server while idle is replaced without the next session
// noticing; one killed during a transaction gives ConnectionLostError, commits nothing, and the pool heals.
import { describe, expect, it } from 'vitest';
import { ConnectionLostError, type Database } from '../../lib/db';
import { adminOf, supports, targets, tcpOf, useTarget } from '../support/drivers';
import { eventually, randomName } from '../support/postgres';
import { startTcpProxy } from '../support/tcp-proxy';

describe.each(targets)('connection loss ($name)', (target) => {
  const h = useTarget(target);

  const pidOf = (db: Database) => db.session(async (s) => (await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);

  it('replaces an idle pooled connection terminated on the server (noticed before the next session)', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 1 });
    if (!supports(target, 'serverAdmin', db)) return;
    const admin = adminOf(h());
    const killed = await pidOf(db);

    // Act
    await admin.terminate(killed);
    await eventually(async () => db.stats().pool.errors, (n) => n === 1);
    const next = await pidOf(db);

    // Assess
    expect(next).not.toBe(killed);
    expect(db.stats().pool).toMatchObject({ errors: 1, acquired: 0 });
  });

  it('replaces an idle pooled connection terminated on the server (the next session comes at once)', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 1, validateAfterIdleMs: 60_000 });
    if (!supports(target, 'serverAdmin', db)) return;
    const admin = adminOf(h());
    const killed = await pidOf(db);

    // Act: no waiting for the client to notice; the first statement may meet the dead socket and is retried once
    await admin.terminate(killed);
    const next = await Promise.all([pidOf(db), pidOf(db), pidOf(db)]);

    // Assess
    expect(next).not.toContain(killed);
    expect(await eventually(async () => db.stats().pool.errors, (n) => n === 1)).toBe(1);
    expect(db.stats().pool.acquired).toBe(0);
  });

  it('retries a statement that meets an already terminated backend once, on a fresh connection', async () => {
    // Prepare: the socket is frozen while the backend is terminated, so the client learns of it only as the
    // answer to its next statement (the FATAL arrives while that statement is in flight)
    const probe = h().createDb();
    if (!supports(target, 'serverAdmin', probe) || !supports(target, 'tcp', probe)) return;
    const admin = adminOf(h());
    const proxy = await startTcpProxy(tcpOf(h()).endpoint);
    try {
      const db = h().createDb({ ...tcpOf(h()).via({ host: '127.0.0.1', port: proxy.port }), poolMax: 1, validateAfterIdleMs: 60_000 });
      const killed = await pidOf(db);
      proxy.pause();
      await admin.terminate(killed);
      await eventually(admin.backends, (b) => !b.some((c) => c.pid === killed));

      // Act
      const next = pidOf(db);
      await eventually(async () => db.stats().pool.acquired, (n) => n === 1); // the statement is on its way
      proxy.resume();

      // Assess
      expect(await next).not.toBe(killed);
      expect(db.stats().pool).toMatchObject({ created: 2, acquired: 0 });
    } finally {
      await proxy.close();
    }
  });

  it('gives ConnectionLostError for a transaction whose backend is terminated, commits nothing, heals', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 1 });
    if (!supports(target, 'interactiveTransactions', db)) return;
    if (!supports(target, 'serverAdmin', db)) return;
    const admin = adminOf(h());
    const table = randomName('cl');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    let pid: number | undefined;

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          const sleeping = tx.query('SELECT pg_sleep(30)');
          sleeping.catch(() => undefined); // it may fail before it is awaited: awaited below all the same
          await eventually(admin.backends, (b) => b.some((c) => c.pid === pid && c.state === 'active'));
          await admin.terminate(pid);
          await sleeping;
        }),
      )
      .catch((e: unknown) => e);
    const healed = await pidOf(db);

    // Assess
    expect(outcome).toBeInstanceOf(ConnectionLostError);
    expect(outcome).toMatchObject({ retryable: true });
    expect(await h().sql(db, `SELECT * FROM ${table}`)).toEqual([]);
    expect(healed).not.toBe(pid);
    expect(db.stats().layer.connectionLosses).toBeGreaterThanOrEqual(1);
    expect(db.stats().pool).toMatchObject({ acquired: 0, leaks: 0 });
  });
});
