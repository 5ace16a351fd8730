// Transaction options reach the server: the isolation level asked for is the one in force, and a read-only
// transaction refuses writes with a typed error (SQLSTATE 25006), writing nothing.
import { describe, expect, it } from 'vitest';
import { ConfigError, DbError, type IsolationLevel } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

const LEVELS: IsolationLevel[] = ['read committed', 'repeatable read', 'serializable'];

describe.each(targets)('transaction options ($name)', (target) => {
  const h = useTarget(target);

  it('applies each isolation level inside the transaction', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;

    // Act
    const seen = await db.session(async (s) => {
      const out: string[] = [];
      for (const isolation of LEVELS) {
        const rows = await s.transaction((tx) => tx.query<{ transaction_isolation: string }>('SHOW transaction_isolation'), { isolation });
        out.push(rows.rows[0]!.transaction_isolation);
      }
      return out;
    });

    // Assess
    expect(seen).toEqual(LEVELS);
  });

  it('refuses writes in a read-only transaction with SQLSTATE 25006 and writes nothing', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    const table = randomName('ro');
    await h().sql(db, `CREATE TABLE ${table} (id int)`);
    let readOnlyFlag: string | undefined;

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(
          async (tx) => {
            readOnlyFlag = (await tx.query<{ transaction_read_only: string }>('SHOW transaction_read_only')).rows[0]!.transaction_read_only;
            await tx.query(`INSERT INTO ${table} VALUES (1)`);
          },
          { readOnly: true },
        ),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(readOnlyFlag).toBe('on');
    expect(outcome).toBeInstanceOf(DbError);
    expect(outcome).toMatchObject({ code: 'QUERY_FAILED', sqlstate: '25006', retryable: false });
    expect(await h().sql(db, `SELECT * FROM ${table}`)).toEqual([]);
  });

  it('refuses an unknown isolation level before anything is sent', async () => {
    // Prepare
    const db = h().createDb();
    if (!supports(target, 'interactiveTransactions', db)) return;
    let ran = false;

    // Act
    const outcome = await db
      .session((s) =>
        s.transaction(
          async () => {
            ran = true;
          },
          { isolation: 'chaos' as IsolationLevel },
        ),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as Error).message).toContain('isolation');
    expect(ran).toBe(false);
    expect(db.stats().layer.transactions).toBe(0);
  });
});
