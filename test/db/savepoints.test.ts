// Nested transactions are savepoints: an inner throw undoes the inner work only, an outer throw undoes all,
// and options on a nested call are refused rather than silently ignored.
import { describe, expect, it } from 'vitest';
import { UnsupportedError, type Database } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

describe.each(targets)('savepoints ($name)', (target) => {
  const h = useTarget(target);

  async function prepare(db: Database) {
    const table = randomName('sp');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    const ids = async () => (await h().sql<{ id: number }>(db, `SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
    return { table, ids };
  }

  it('rolls back only the inner unit when it throws; the outer one commits', async () => {
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
            throw new Error('inner');
          })
          .catch((e: unknown) => e);
        await tx.transaction((sp) => sp.query(`INSERT INTO ${table} VALUES (3)`));
        return caught;
      }),
    );

    // Assess
    expect((inner as Error).message).toBe('inner');
    expect(await ids()).toEqual([1, 3]);
  });

  it('rolls back everything, savepoints included, when the outer unit throws', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'savepoints', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          await tx.transaction((sp) => sp.query(`INSERT INTO ${table} VALUES (2)`));
          throw new Error('outer');
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect((outcome as Error).message).toBe('outer');
    expect(await ids()).toEqual([]);
  });

  it('refuses options on a nested transaction', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'savepoints', db)) return;
    const { table, ids } = await prepare(db);

    // Act
    const refused = await db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (1)`);
        return tx.transaction(async (sp) => sp.query(`INSERT INTO ${table} VALUES (2)`), { isolation: 'serializable' }).catch((e: unknown) => e);
      }),
    );

    // Assess
    expect(refused).toBeInstanceOf(UnsupportedError);
    expect(await ids()).toEqual([1]);
  });
});
