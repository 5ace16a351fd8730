// Write skew under SERIALIZABLE: two transactions that each read a total and write under a cap are detected
// (SerializationFailureError, retryable) instead of breaking the cap; with the opted-in retry, concurrent
// workers converge to exactly the cap, through raw queries and through drizzle alike.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SerializationFailureError, type Database, type Transaction } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { gate, type Gate } from '../support/gate';
import { randomName } from '../support/postgres';

/** Opens once `n` parties have arrived. */
function barrier(n: number): { arrive(): Promise<void> } {
  const all: Gate = gate();
  let arrived = 0;
  return {
    arrive() {
      if (++arrived === n) all.open();
      return all.promise;
    },
  };
}

describe.each(targets)('write skew ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(db: Database) {
    const table = randomName('oncall');
    await h().sql(db, `CREATE TABLE ${table} (id serial PRIMARY KEY, worker int NOT NULL)`);
    const count = async () => Number((await h().sql<{ n: string }>(db, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
    return { table, count };
  }

  it('detects it and gives the caller a retryable SerializationFailureError', async () => {
    // Prepare
    const db = h().createDb({ poolMax: 2 });
    if (!supports(target, 'interactiveTransactions', db)) return;
    // Both transactions must be open at once: PGlite's single connection runs them one after the other.
    if (!supports(target, 'concurrentConnections', db)) return;
    const { table, count } = await prepare(db);
    const bothRead = barrier(2);
    const CAP = 1;
    const worker = (id: number) =>
      db.session((s) =>
        s.transaction(
          async (tx) => {
            const n = Number((await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
            await bothRead.arrive();
            if (n < CAP) await tx.query(`INSERT INTO ${table} (worker) VALUES ($1)`, [id]);
          },
          { isolation: 'serializable' },
        ),
      );

    // Act
    const results = await Promise.allSettled([worker(1), worker(2)]);

    // Assess
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(SerializationFailureError);
    expect(failures[0]).toMatchObject({ sqlstate: '40001', retryable: true });
    expect(await count()).toBe(CAP);
    expect(db.stats().layer.retries).toBe(0);
  });

  it.each([
    ['raw queries', (tx: Transaction, text: string, params: unknown[]) => tx.query(text, params).then((r) => r.rows)],
    // pg-proxy's execute resolves to the rows themselves
    ['drizzle', (tx: Transaction, text: string, params: unknown[]) => tx.db.execute(sqlOf(text, params)).then((rows) => rows as unknown[])],
  ])('converges with retry: true, 8 workers, the cap holds (%s)', async (_via, run) => {
    // Prepare
    const WORKERS = 8;
    const CAP = 5;
    const db = h().createDb({ poolMax: WORKERS, retryMaxAttempts: 30, retryBaseDelayMs: 1, retryMaxDelayMs: 20 });
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, count } = await prepare(db);
    // Where transactions really overlap, every worker's first attempt reads before any writes: conflicts are certain.
    const concurrent = supports(target, 'concurrentConnections', db);
    const firstRead = barrier(WORKERS);
    const worker = (id: number) =>
      db.session((s) => {
        let attempt = 0;
        return s.transaction(
          async (tx) => {
            const rows = (await run(tx, `SELECT count(*) AS n FROM ${table}`, [])) as { n: string }[];
            if (concurrent && ++attempt === 1) await firstRead.arrive();
            if (Number(rows[0]!.n) < CAP) await run(tx, `INSERT INTO ${table} (worker) VALUES ($1)`, [id]);
          },
          { isolation: 'serializable', retry: true },
        );
      });

    // Act
    const results = await Promise.allSettled(Array.from({ length: WORKERS }, (_, i) => worker(i)));

    // Assess
    expect(results.map((r) => r.status)).toEqual(Array(WORKERS).fill('fulfilled'));
    expect(await count()).toBe(CAP);
    if (concurrent) expect(db.stats().layer.retries).toBeGreaterThan(0);
  });
});

/** A parameterised statement for drizzle's execute ($1, $2 ... become bound values). */
function sqlOf(text: string, params: unknown[]) {
  const parts = text.split(/\$\d+/);
  return sql.join(parts.map((part, i) => (i < params.length ? sql`${sql.raw(part)}${params[i]}` : sql.raw(part))));
}
