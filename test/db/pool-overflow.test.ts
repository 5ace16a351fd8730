// Pool overflow: far more sessions than connections all complete; with a short acquire timeout and every
// connection held, the excess gets PoolExhaustedError at once, every promise settles, nothing hangs.
import { describe, expect, it } from 'vitest';
import { PoolExhaustedError } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { gate } from '../support/gate';
import { eventually } from '../support/postgres';

describe.each(targets)('pool overflow ($name)', (target) => {
  const h = useTarget(target);

  it('completes 200 concurrent sessions on a pool of 5', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 5 });

    // Act
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => db.session(async (s) => (await s.query<{ n: number }>('SELECT $1::int AS n', [i])).rows[0]!.n)),
    );

    // Assess
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const pool = db.stats().pool;
    expect(pool).toMatchObject({ acquired: 0, waiting: 0, leaks: 0 });
    expect(pool.created).toBeLessThanOrEqual(db.config.poolMax);
    expect(pool.total).toBeLessThanOrEqual(db.config.poolMax);
  });

  it('refuses the excess with PoolExhaustedError while every connection is held by a transaction', async () => {
    // Prepare: the holders keep their connection until the test opens the gate (no clock involved)
    const db = h().createDb({ poolMax: 5, acquireTimeoutMs: 50 });
    // Holding by an open transaction; without interactive ones, the long-statement case below holds instead.
    if (!supports(target, 'interactiveTransactions', db)) return;
    const size = db.config.poolMax;
    const release = gate();
    let held = 0;
    const allHeld = gate();
    const holders = Array.from({ length: size }, () =>
      db.session((s) =>
        s.transaction(async (tx) => {
          await tx.query('SELECT 1');
          if (++held === size) allHeld.open();
          await release.promise;
        }),
      ),
    );
    await allHeld.promise;

    // Act
    const excess = await Promise.allSettled(Array.from({ length: 20 }, () => db.session((s) => s.query('SELECT 1'))));
    const waitingAfter = db.stats().pool.waiting;
    release.open();
    const holderResults = await Promise.allSettled(holders);

    // Assess
    expect(excess.map((r) => r.status)).toEqual(Array(20).fill('rejected'));
    for (const r of excess) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PoolExhaustedError);
    expect(waitingAfter).toBe(0);
    expect(holderResults.map((r) => r.status)).toEqual(Array(size).fill('fulfilled'));
    expect(db.stats().layer.timeouts.acquire).toBe(20);
    expect(db.stats().pool).toMatchObject({ acquired: 0, waiting: 0, leaks: 0 });
  });

  it('refuses the excess with PoolExhaustedError while every connection runs a long statement', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 3, acquireTimeoutMs: 50 });
    // A statement that holds its connection while JavaScript goes on needs a server of its own: PGlite runs it on
    // this very thread, so no queue timer can fire while it runs (the transaction-held case above covers PGlite).
    if (!supports(target, 'concurrentConnections', db)) return;
    const sleepers = Array.from({ length: 3 }, () => db.session((s) => s.query('SELECT pg_sleep(1)')));
    expect(await eventually(async () => db.stats().pool.acquired, (n) => n === 3)).toBe(3);

    // Act
    const excess = await Promise.allSettled(Array.from({ length: 10 }, () => db.session((s) => s.query('SELECT 1'))));
    const waitingAfter = db.stats().pool.waiting;
    const sleeperResults = await Promise.allSettled(sleepers);

    // Assess
    for (const r of excess) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PoolExhaustedError);
    }
    expect(waitingAfter).toBe(0);
    expect(sleeperResults.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(db.stats().pool).toMatchObject({ acquired: 0, waiting: 0 });
  });
});
