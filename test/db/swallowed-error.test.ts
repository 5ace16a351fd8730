// A statement error the callback catches and ignores still poisons the transaction: the commit fails with a
// typed error and nothing is committed. Inside a savepoint the failure stays there and the parent may go on.
import { describe, expect, it } from 'vitest';
import { ConstraintViolationError, QueryError, type Database } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

describe.each(targets)('swallowed errors ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(db: Database) {
    const table = randomName('sw');
    await h().sql(db, `CREATE TABLE ${table} (id int PRIMARY KEY)`);
    const ids = async () => (await h().sql<{ id: number }>(db, `SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
    return { table, ids };
  }

  it('fails the commit with a typed error and commits nothing', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const { table, ids } = await prepare(db);
    let swallowed: unknown;

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          swallowed = await tx.query(`INSERT INTO ${table} VALUES (1)`).catch((e: unknown) => e); // duplicate, ignored
          return 'done';
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(swallowed).toBeInstanceOf(ConstraintViolationError);
    expect(outcome).toBeInstanceOf(QueryError);
    expect(outcome).toMatchObject({ code: 'QUERY_FAILED', sqlstate: '23505' });
    expect((outcome as Error).cause).toBe(swallowed);
    expect(await ids()).toEqual([]);
    expect(db.stats().layer).toMatchObject({ commits: 0, rollbacks: 1 });
  });

  it('keeps a failure swallowed inside a savepoint there; the parent commits its own work', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'savepoints', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const inner = await db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (1)`);
        const caught = await tx
          .transaction(async (sp) => {
            await sp.query(`INSERT INTO ${table} VALUES (2)`);
            await sp.query(`INSERT INTO ${table} VALUES (1)`).catch(() => undefined); // duplicate, ignored
          })
          .catch((e: unknown) => e);
        await tx.query(`INSERT INTO ${table} VALUES (3)`);
        return caught;
      }),
    );

    // Assess
    expect(inner).toBeInstanceOf(QueryError);
    expect(await ids()).toEqual([1, 3]);
  });
});
