// drizzle's transaction API on the layer: session.db.transaction(fn) runs as session.transaction(), a nested
// transaction on drizzle's tx is a savepoint, and tx.rollback() behaves as drizzle's: it throws drizzle's
// TransactionRollbackError, nothing of the transaction is kept, and the transaction rejects with that error.
import { TransactionRollbackError, sql } from 'drizzle-orm';
import { integer, pgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { UnsupportedError, type Database } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

describe.each(targets)('drizzle transactions ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(db: Database) {
    const name = randomName('dz');
    await h().sql(db, `CREATE TABLE ${name} (id int)`);
    const table = pgTable(name, { id: integer('id') });
    const ids = async () => (await h().sql<{ id: number }>(db, `SELECT id FROM ${name} ORDER BY id`)).map((r) => r.id);
    return { name, table, ids };
  }

  it('tx.rollback() throws TransactionRollbackError at once; nothing is kept and the transaction rejects with it', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { name, ids } = await prepare(db);
    let after = false;

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${name} VALUES (1)`);
          tx.rollback();
          after = true;
          await tx.query(`INSERT INTO ${name} VALUES (2)`);
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(TransactionRollbackError);
    expect(after).toBe(false);
    expect(await ids()).toEqual([]);
    expect(db.stats().layer).toMatchObject({ rollbacks: 1, commits: 0 });
    expect(db.stats().pool.leaks).toBe(0);
  });

  it('keeps nothing when the callback catches the rollback and goes on: the transaction still rejects with it', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.db.insert(table).values({ id: 1 });
          try {
            tx.db.rollback();
          } catch {
            // swallowed: drizzle would then commit; the layer never does
          }
          await tx.db.insert(table).values({ id: 2 });
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(TransactionRollbackError);
    expect(await ids()).toEqual([]);
  });

  it('runs session.db.transaction(fn, config) as the layer transaction: commits on resolve, with the isolation and access mode asked for', async () => {
    // Prepare
    const db = h().createDb();
    const { table, ids } = await prepare(db);

    // Act
    const run = db.session(async (s) => {
      await s.db.transaction(async (tx) => {
        await tx.insert(table).values([{ id: 1 }, { id: 2 }]);
      });
      return s.db.transaction(
        async (tx) => {
          const rows = await tx.execute<{ iso: string; ro: string }>(sql`SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro`);
          return (rows as unknown as { iso: string; ro: string }[])[0];
        },
        { isolationLevel: 'serializable', accessMode: 'read only' },
      );
    });
    if (!supports(target, 'interactiveTransactions', db)) {
      // neon-http: refused with the typed error naming the batch API, as session.transaction() is.
      await expect(run).rejects.toThrow(UnsupportedError);
      await expect(run).rejects.toThrow(/session\.batch\(\)/);
      return;
    }
    const settings = await run;

    // Assess
    expect(await ids()).toEqual([1, 2]);
    expect(settings).toEqual({ iso: 'serializable', ro: 'on' });
    expect(db.stats().layer).toMatchObject({ transactions: 2, commits: 2 });
  });

  it('rolls session.db.transaction(fn) back when fn throws or calls tx.rollback()', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const thrown = await db
      .session((s) =>
        s.db.transaction(async (tx) => {
          await tx.insert(table).values({ id: 1 });
          throw new Error('boom');
        }),
      )
      .catch((e: unknown) => e);
    const rolledBack = await db
      .session((s) =>
        s.db.transaction(async (tx) => {
          await tx.insert(table).values({ id: 2 });
          tx.rollback();
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect((thrown as Error).message).toBe('boom');
    expect(rolledBack).toBeInstanceOf(TransactionRollbackError);
    expect(await ids()).toEqual([]);
  });

  it("nests drizzle's tx.transaction(fn) as a savepoint: an inner rollback() undoes the inner work only", async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const run = db.session((s) =>
      s.db.transaction(async (tx) => {
        await tx.insert(table).values({ id: 1 });
        const inner = await tx
          .transaction(async (sp) => {
            await sp.insert(table).values({ id: 2 });
            sp.rollback();
          })
          .catch((e: unknown) => e);
        await tx.transaction((sp) => sp.insert(table).values({ id: 3 }));
        return inner;
      }),
    );
    if (!supports(target, 'savepoints', db)) {
      await expect(run).rejects.toThrow(UnsupportedError);
      expect(await ids()).toEqual([]);
      return;
    }
    const inner = await run;

    // Assess
    expect(inner).toBeInstanceOf(TransactionRollbackError);
    expect(await ids()).toEqual([1, 3]);
  });

  it('refuses a deferrable transaction with a typed error instead of ignoring it', async () => {
    // Prepare
    const db = h().createDb();

    // Act
    const outcome = await db.session((s) => s.db.transaction(async () => undefined, { deferrable: true })).catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(UnsupportedError);
    expect((outcome as Error).message).toContain('deferrable');
    expect(db.stats().layer.transactions).toBe(0);
  });
});
