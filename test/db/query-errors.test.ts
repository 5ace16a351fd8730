// Errors reach the caller typed: constraint violations (kind, constraint, table, column), bad input (22xxx) and
// other server errors (by SQLSTATE), with retryability; the same through session.query, a transaction and
// drizzle; nothing of a refused write is stored.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { BadInputError, ConstraintViolationError, QueryError, type Database } from '../../lib/db';
import { supports, targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';

type Run = (db: Database, text: string) => Promise<unknown>;

const PATHS: Record<'query' | 'transaction' | 'drizzle', Run> = {
  query: (db, text) => db.session((s) => s.query(text)),
  transaction: (db, text) => db.session((s) => s.transaction((tx) => tx.query(text))),
  drizzle: (db, text) => db.session((s) => s.db.execute(sql.raw(text))),
};

describe.each(targets)('typed query errors ($name)', (target) => {
  const h = useTarget(target);

  // One database and schema for the whole describe: these statements change nothing.
  let prepared: ReturnType<typeof build> | undefined;
  const prepare = () => (prepared ??= build());

  async function build() {
    const db = h().createDb();
    const t = randomName('qe');
    for (const ddl of [
      `CREATE TABLE ${t}_parent (id int CONSTRAINT ${t}_parent_pk PRIMARY KEY)`,
      `CREATE TABLE ${t} (id int CONSTRAINT ${t}_pk PRIMARY KEY, parent int CONSTRAINT ${t}_parent_fk REFERENCES ${t}_parent (id), ` +
        `qty int CONSTRAINT ${t}_qty_positive CHECK (qty > 0), name text NOT NULL)`,
      `INSERT INTO ${t}_parent VALUES (1)`,
      `INSERT INTO ${t} VALUES (1, 1, 1, 'one')`,
    ]) {
      await h().sql(db, ddl);
    }
    const paths = Object.entries(PATHS).filter(([name]) => name !== 'transaction' || supports(target, 'interactiveTransactions', db));
    const rows = async () => (await h().sql<{ id: number }>(db, `SELECT id FROM ${t} ORDER BY id`)).map((r) => r.id);
    return { db, t, paths, rows };
  }

  it.each([
    ['unique', (t: string) => `INSERT INTO ${t} VALUES (1, 1, 1, 'dup')`, '23505', (t: string) => `${t}_pk`],
    ['foreign_key', (t: string) => `INSERT INTO ${t} VALUES (2, 99, 1, 'orphan')`, '23503', (t: string) => `${t}_parent_fk`],
    ['check', (t: string) => `INSERT INTO ${t} VALUES (2, 1, 0, 'zero')`, '23514', (t: string) => `${t}_qty_positive`],
  ] as const)('types a %s violation with its constraint name', async (kind, statement, sqlstate, constraint) => {
    // Prepare
    const { db, t, paths, rows } = await prepare();
    const details = supports(target, 'errorDetails', db);

    for (const [path, run] of paths) {
      // Act
      const err = await run(db, statement(t)).catch((e: unknown) => e);

      // Assess
      expect(err, path).toBeInstanceOf(ConstraintViolationError);
      expect(err, path).toMatchObject({ kind, sqlstate, retryable: false });
      if (details) expect(err, path).toMatchObject({ constraint: constraint(t), table: t });
    }
    expect(await rows()).toEqual([1]);
  });

  it('types a not-null violation with its column', async () => {
    // Prepare
    const { db, t, paths, rows } = await prepare();
    const details = supports(target, 'errorDetails', db);

    for (const [path, run] of paths) {
      // Act
      const err = await run(db, `INSERT INTO ${t} (id, parent, qty) VALUES (2, 1, 1)`).catch((e: unknown) => e);

      // Assess
      expect(err, path).toBeInstanceOf(ConstraintViolationError);
      expect(err, path).toMatchObject({ kind: 'not_null', code: 'NOT_NULL_VIOLATION', sqlstate: '23502', retryable: false });
      if (details) expect(err, path).toMatchObject({ column: 'name', table: t });
    }
    expect(await rows()).toEqual([1]);
  });

  it('types division by zero as BadInputError (22012)', async () => {
    // Prepare
    const { db, paths } = await prepare();

    for (const [path, run] of paths) {
      // Act
      const err = await run(db, 'SELECT 1 / 0').catch((e: unknown) => e);

      // Assess
      expect(err, path).toBeInstanceOf(BadInputError);
      expect(err, path).toMatchObject({ code: 'BAD_INPUT', sqlstate: '22012', retryable: false });
    }
  });

  it('types a syntax error as QueryError (42601)', async () => {
    // Prepare
    const { db, paths } = await prepare();

    for (const [path, run] of paths) {
      // Act
      const err = await run(db, 'SELEC 1').catch((e: unknown) => e);

      // Assess
      expect(err, path).toBeInstanceOf(QueryError);
      expect(err, path).toMatchObject({ code: 'QUERY_FAILED', sqlstate: '42601', retryable: false });
    }
    expect(db.stats().pool).toMatchObject({ acquired: 0, leaks: 0 });
  });
});
