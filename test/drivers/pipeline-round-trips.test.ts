// A pipelined unit costs one round trip on pg, through PgBouncer and on neon-ws: a batch of 1, 3 or 10 INSERTs is
// one write ending in one Sync, answered by one ReadyForQuery, and BEGIN rides with the first statement of an
// interactive transaction. Results come back in statement order, shaped as query() shapes them.
import { describe, expect, it } from 'vitest';
import type { DriverConnection } from '../../lib/db/driver';
import { adminQuery } from '../support/postgres';
import { counted, pipelineTargets, usePipelineTarget } from './pipeline-targets';

const ROWS = { rowMode: 'object', rawTemporal: false } as const;

describe.each(pipelineTargets)('pipelined units on $name', (target) => {
  const h = usePipelineTarget(target, 'CREATE TABLE item (id int PRIMARY KEY, label text, at timestamptz DEFAULT now(), tags text[], data jsonb)');
  let conn: DriverConnection;

  const count = async () => (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM item', [], h.tdb.name))[0]!.n;

  it.for([1, 3, 10])('commits a batch of %i INSERTs in exactly one round trip', async (n, context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    await adminQuery('TRUNCATE item', [], h.tdb.name);
    const statements = Array.from({ length: n }, (_, i) => ({ text: 'INSERT INTO item (id, label) VALUES ($1, $2)', params: [i, `label ${i}`] }));

    // Act
    const { value: results, roundTrips, syncs, queries } = await counted(h.wire, () => conn.pipeline!({ begin: h.begin(), statements, commit: true }, ROWS));

    // Assess
    expect(roundTrips).toBe(1);
    expect(syncs).toBe(1);
    expect(queries).toBe(0);
    expect(results).toEqual(statements.map(() => ({ rows: [], rowCount: 1 })));
    expect(await count()).toBe(n);
  });

  it('returns each statement its own result, in order, shaped as query() shapes it', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    await adminQuery('TRUNCATE item', [], h.tdb.name);
    const insert = { text: 'INSERT INTO item (id, label, tags, data) VALUES ($1, $2, $3, $4) RETURNING id, label, tags, data', params: [1, 'one', ['a', 'b c'], { k: [1, 2] }] };
    const read = { text: 'SELECT id, label, at, tags, data, NULL::int AS nothing FROM item WHERE id = $1', params: [1] };

    // Act
    const [objects, arrays, raw] = [
      await conn.pipeline!({ begin: h.begin(), statements: [insert, read], commit: true }, ROWS),
      await conn.pipeline!({ begin: h.begin(), statements: [read, { text: 'UPDATE item SET label = label WHERE id > $1', params: [-1] }], commit: true }, { rowMode: 'array', rawTemporal: false }),
      await conn.pipeline!({ begin: h.begin(), statements: [read], commit: true }, { rowMode: 'object', rawTemporal: true }),
    ];

    // Assess: the same statement through query() gives the same values.
    expect(objects[0]).toEqual({ rows: [{ id: 1, label: 'one', tags: ['a', 'b c'], data: { k: [1, 2] } }], rowCount: 1 });
    expect(objects[1]).toEqual(await conn.query(read.text, read.params, ROWS));
    expect(objects[1]!.rows[0]).toMatchObject({ at: expect.any(Date), nothing: null });
    expect(arrays[0]).toEqual(await conn.query(read.text, read.params, { rowMode: 'array', rawTemporal: false }));
    expect(arrays[1]).toEqual({ rows: [], rowCount: 1 });
    expect(raw[0]).toEqual(await conn.query(read.text, read.params, { rowMode: 'object', rawTemporal: true }));
    expect(typeof (raw[0]!.rows[0] as { at: unknown }).at).toBe('string');
  });

  it('carries a unit larger than the socket buffers both ways in one round trip', async (context) => {
    h.require(context);
    // Prepare: 1,000 statements with 1 KiB parameters (~1.1 MB written), and a ~2 MB result in the middle.
    conn ??= await h.connect();
    await adminQuery('TRUNCATE item', [], h.tdb.name);
    const statements = Array.from({ length: 1_000 }, (_, i) => ({ text: 'INSERT INTO item (id, label) VALUES ($1, $2)', params: [i, 'x'.repeat(1_024)] }));
    statements.splice(500, 0, { text: "SELECT repeat('y', 2000000) AS big", params: [] });

    // Act
    const { value: results, roundTrips } = await counted(h.wire, () => conn.pipeline!({ begin: h.begin(), statements, commit: true }, ROWS));

    // Assess
    expect(roundTrips).toBe(1);
    expect(results).toHaveLength(1_001);
    expect((results[500]!.rows[0] as { big: string }).big).toHaveLength(2_000_000);
    expect(await count()).toBe(1_000);
  });

  it('sends parameters as query() sends them', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    const read = {
      text: 'SELECT $1::bytea AS b, $2::int[] AS a, $3::timestamptz AS t, $4::jsonb AS j, $5::text AS s, $6::int AS n, $7::text[] AS q',
      params: [Buffer.from([0, 255, 10]), [[1, 2], [3, null]], new Date(Date.UTC(2024, 1, 29, 12)), { k: 'v' }, 'é"\\', null, ['a,b', '{x}', '']],
    };

    // Act
    const [piped] = await conn.pipeline!({ begin: h.begin(), statements: [read], commit: true }, ROWS);

    // Assess
    expect(piped).toEqual(await conn.query(read.text, read.params, ROWS));
    expect(piped!.rows[0]).toMatchObject({ b: Buffer.from([0, 255, 10]), a: [[1, 2], [3, null]], n: null, q: ['a,b', '{x}', ''] });
  });

  it('sends BEGIN with the first statement: a one-statement transaction is two round trips', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    await adminQuery('TRUNCATE item', [], h.tdb.name);
    const begin = h.begin({ isolation: 'repeatable read', lowered: { statementMs: 4_321 } });

    // Act: BEGIN + settings + the first statement, then (as the transaction would) COMMIT.
    const first = await counted(h.wire, () =>
      conn.pipeline!({ begin, statements: [{ text: "INSERT INTO item (id) VALUES (1) RETURNING current_setting('transaction_isolation') AS iso" }] }, ROWS),
    );
    const seenInside = await count();
    const statusInside = conn.transactionStatus;
    const commit = await counted(h.wire, () => conn.exec('COMMIT'));

    // Assess
    expect(first.roundTrips).toBe(1);
    expect(first.value[0]!.rows).toEqual([{ iso: 'repeatable read' }]);
    expect(seenInside).toBe(0); // still open: nothing visible to others before COMMIT
    expect(statusInside).toBe('transaction');
    expect(conn.transactionStatus).toBe('idle');
    expect(commit.roundTrips).toBe(1);
    expect(await count()).toBe(1);
  });

  it('applies the settings the layer computes inside the unit, and none outlive it', async (context) => {
    h.require(context);
    // Prepare
    conn ??= await h.connect();
    const settings = "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('transaction_read_only') AS ro";
    const begin = h.begin({ readOnly: true, lowered: { statementMs: 2_345 } });

    // Act
    const [inside] = await conn.pipeline!({ begin, statements: [{ text: settings }], commit: true }, ROWS);
    const after = await conn.query(settings, undefined, ROWS);

    // Assess: the deadline's lower limit and the configured lock timeout apply inside (SET LOCAL on both profiles,
    // or the startup parameter on direct); afterwards the connection has its own values again (none behind PgBouncer).
    const own = h.profile.startupParameters ? '10s' : '0';
    expect(inside!.rows).toEqual([{ st: '2345ms', lt: '10s', ro: 'on' }]);
    expect(after.rows).toEqual([{ st: own, lt: own, ro: 'off' }]);
  });
});
