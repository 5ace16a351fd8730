// A pipelined unit that fails leaves nothing behind: statement i failing skips the rest (PostgreSQL skips to the
// Sync), the driver ends the failed block (one more round trip, only on failure) and the connection goes on; the
// error is typed as query() types it and names statement i by position and fingerprint, never by its values.
// A failing COMMIT (deferred constraint, serialization failure) ends the transaction itself: no ROLLBACK.
import { describe, expect, it } from 'vitest';
import {
  BadInputError,
  ConstraintViolationError,
  QueryError,
  SerializationFailureError,
  type DbError,
} from '../../lib/db';
import type { DriverConnection } from '../../lib/db/driver';
import { adminQuery } from '../support/postgres';
import { counted, countedFailure, pipelineTargets, usePipelineTarget } from './pipeline-targets';

const ROWS = { rowMode: 'object', rawTemporal: false } as const;
const SECRET = 'secret-value-7f3a';

describe.each(pipelineTargets)('pipelined unit failures on $name', (target) => {
  const h = usePipelineTarget(
    target,
    `CREATE TABLE parent (id int PRIMARY KEY, note text);
     CREATE TABLE child (parent_id int REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
     CREATE TABLE audited (id int);
     CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'conflict found at commit' USING ERRCODE = '40001'; END $$;
     CREATE CONSTRAINT TRIGGER audited_at_commit AFTER INSERT ON audited DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW EXECUTE FUNCTION refuse_at_commit();`,
  );
  let conn: DriverConnection;

  const rows = async (table: string) => (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, [], h.tdb.name))[0]!.n;
  const insert = (id: number, note = 'ok') => ({ text: 'INSERT INTO parent (id, note) VALUES ($1, $2)', params: [id, note] });

  it.for([0, 2, 4])('leaves nothing when statement %i of 5 fails, names it, and the connection goes on', async (failing, context) => {
    h.require(context);
    // Prepare: the failing statement repeats id 100, already in the table; its value must not reach the error.
    conn ??= await h.connect();
    await adminQuery('TRUNCATE parent, child', [], h.tdb.name);
    await adminQuery("INSERT INTO parent (id, note) VALUES (100, 'there')", [], h.tdb.name);
    const statements = Array.from({ length: 5 }, (_, i) => (i === failing ? insert(100, SECRET) : insert(i)));

    // Act
    const { error, roundTrips } = await countedFailure(h.wire, () => conn.pipeline!({ begin: h.begin(), statements, commit: true }, ROWS));
    const next = await counted(h.wire, () => conn.pipeline!({ begin: h.begin(), statements: [insert(7)], commit: true }, ROWS));

    // Assess
    expect(error).toBeInstanceOf(ConstraintViolationError);
    const e = error as ConstraintViolationError;
    expect(e.kind).toBe('unique');
    expect(e.failedAt).toEqual({ part: 'statement', index: failing, of: 5, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/), statement: 'INSERT INTO parent (id, note) VALUES (?, ?)' });
    expect(JSON.stringify(e)).not.toContain(SECRET);
    expect(e.message).not.toContain(SECRET);
    expect(roundTrips).toBe(2); // the unit, then the ROLLBACK of its failed block
    expect(conn.alive).toBe(true);
    expect(conn.transactionStatus).toBe('idle');
    expect(next.roundTrips).toBe(1);
    expect(await rows('parent')).toBe(2); // id 100 and the next unit's id 7: nothing of the failed unit
  });

  it('types a failing COMMIT (deferred constraint) and needs no ROLLBACK', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    await adminQuery('TRUNCATE parent, child', [], h.tdb.name);

    // Act: the foreign key is checked at COMMIT, after every statement succeeded.
    const { error, roundTrips } = await countedFailure(h.wire, () =>
      conn.pipeline!({ begin: h.begin(), statements: [insert(1), { text: 'INSERT INTO child (parent_id) VALUES ($1)', params: [999] }], commit: true }, ROWS),
    );

    // Assess
    expect(error).toBeInstanceOf(ConstraintViolationError);
    expect((error as DbError).failedAt).toEqual({ part: 'commit' });
    expect(roundTrips).toBe(1);
    expect(conn.transactionStatus).toBe('idle'); // a failed COMMIT ends the transaction itself
    expect(await rows('parent')).toBe(0);
    expect(await rows('child')).toBe(0);
    expect((await conn.query('SELECT 1 AS one', undefined, ROWS)).rows).toEqual([{ one: 1 }]);
  });

  it('types a serialization failure at COMMIT as retryable', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();

    // Act: a deferred trigger raises 40001 while the COMMIT runs.
    const { error, roundTrips } = await countedFailure(h.wire, () =>
      conn.pipeline!({ begin: h.begin({ isolation: 'serializable' }), statements: [{ text: 'INSERT INTO audited (id) VALUES (1)' }], commit: true }, ROWS),
    );

    // Assess
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect((error as DbError).retryable).toBe(true);
    expect((error as DbError).failedAt).toEqual({ part: 'commit' });
    expect(roundTrips).toBe(1);
    expect(await rows('audited')).toBe(0);
  });

  it('leaves a failed first statement of an interactive transaction to the caller, who rolls it back', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    await adminQuery('TRUNCATE parent, child', [], h.tdb.name);

    // Act: BEGIN rides with a statement that fails; the transaction is left failed, not ended.
    const { error, roundTrips } = await countedFailure(h.wire, () => conn.pipeline!({ begin: h.begin(), statements: [{ text: 'SELECT 1 / 0' }] }, ROWS));
    const statusAfter = conn.transactionStatus;
    const stillFailed = await conn.query('SELECT 1', undefined, ROWS).catch((e: unknown) => e);
    await conn.exec('ROLLBACK');

    // Assess
    expect(error).toBeInstanceOf(BadInputError); // 22012 division_by_zero, as query() types it
    expect((error as DbError).failedAt).toMatchObject({ part: 'statement', index: 0, of: 1 });
    expect(roundTrips).toBe(1);
    expect(statusAfter).toBe('failed');
    expect((stillFailed as DbError & { code: string }).code).toBe('25P02'); // in_failed_sql_transaction
    expect((await conn.query('SELECT 1 AS one', undefined, ROWS)).rows).toEqual([{ one: 1 }]);
  });

  it('refuses a value it cannot send before anything is sent', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    const circular = { toPostgres: (): unknown => circular };

    // Act
    const { error, roundTrips } = await countedFailure(h.wire, () => conn.pipeline!({ begin: h.begin(), statements: [insert(1), { text: 'SELECT $1::text', params: [circular] }], commit: true }, ROWS));

    // Assess
    expect(error).toBeInstanceOf(BadInputError);
    expect(roundTrips).toBe(0);
    expect((await conn.query('SELECT 1 AS one', undefined, ROWS)).rows).toEqual([{ one: 1 }]);
  });

  it('fails a text of several commands as the server does, leaving nothing', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    await adminQuery('TRUNCATE parent, child', [], h.tdb.name);

    // Act: an unnamed extended-protocol statement is one command.
    const { error } = await countedFailure(h.wire, () =>
      conn.pipeline!({ begin: h.begin(), statements: [insert(1), { text: "INSERT INTO parent VALUES (2); INSERT INTO parent VALUES (3)" }], commit: true }, ROWS),
    );

    // Assess
    expect(error).toBeInstanceOf(QueryError);
    expect((error as DbError).sqlstate).toBe('42601');
    expect((error as DbError).failedAt).toMatchObject({ part: 'statement', index: 1 });
    expect(await rows('parent')).toBe(0);
  });
});
