// One value per type on every driver. Each target writes the same rows through drizzle (session.db) and through a
// raw INSERT with parameters (session.query), then reads them back three ways: drizzle's columns, a raw SELECT
// (node-postgres's values: int8 and numeric as exact text, bytea a Buffer, timestamps Dates, interval parsed), and
// a raw SELECT through drizzle (temporal values as the server's text, as drizzle's column mappers expect). Each
// target must match the explicit expectations below, and all targets must match each other exactly (classes
// included): what a step reads on PGlite locally is what it reads on Neon, Aurora or the Data API.
import { count, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError, LimitExceededError, UnsupportedError } from '../../lib/db';
import { targets, useTarget } from '../support/drivers';
import { randomName } from '../support/postgres';
import { allTypesDdl, allTypesTable, nestedDdl, nestedTable, ormRows, RAW_INSERT_COLUMNS, rawParams } from './all-types';

/** node-postgres parses date and timestamp (without zone) as local time. */
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => new Date(y, mo - 1, d, h, mi, s, ms);
const interval = (parts: Record<string, number>) => expect.objectContaining(parts);

/** What a raw SELECT returns for rows 1, 2 and 3 (all NULL), at ids offset by `plus`. */
function rawRows(plus: number, temporal: 'parsed' | 'text') {
  const text = temporal === 'text';
  const row1 = {
    id: 1 + plus, i2: 1, i4: 2, i8: '9007199254740993', i8n: '42', num: '12345678901234567890.12345', num_scaled: '0.10', num_big: '5044565289845416380',
    num_arr: ['0.10', '12345678901234567890.12345'], num_big_arr: ['5044565289845416380'], i8_arr: ['1', '9007199254740993'], f4: 1.5, f8: 0.1, b: true,
    t: 'x', vc: 'y', ch: 'z  ', by: Buffer.from('deadbeef', 'hex'), j: { a: 1 }, jb: { b: [1, 2] },
    d: text ? '2024-02-03' : local(2024, 2, 3),
    d_date: text ? '2024-02-03' : local(2024, 2, 3),
    tm: '04:05:06.789', ttz: '04:05:06+02',
    ts: text ? '2024-02-03 04:05:06.789' : local(2024, 2, 3, 4, 5, 6, 789),
    ts_date: text ? '2024-02-03 04:05:06.789' : local(2024, 2, 3, 4, 5, 6, 789),
    tstz: text ? '2024-02-03 02:05:06.789+00' : new Date('2024-02-03T02:05:06.789Z'),
    iv: text ? '1 day 02:03:04' : interval({ days: 1, hours: 2, minutes: 3, seconds: 4 }),
    u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', e: 'happy', e_arr: '{sad,happy}',
    t_arr: ['a', 'b c', 'quote"d', 'back\\slash', ''],
    ts_arr: text ? ['2024-02-03 04:05:06+00'] : [new Date('2024-02-03T04:05:06Z')],
  };
  const row2 = {
    id: 2 + plus, i2: -32768, i4: 2147483647, i8: '-9223372036854775808', i8n: '-1', num: '-0.000000000000000000001', num_scaled: '-99999999.99', num_big: '0',
    num_arr: ['0.00000000000000000001', '-3'], num_big_arr: [], i8_arr: ['9223372036854775807', '-1'], f4: -0.25, f8: 1e-300, b: false,
    t: 'ünïcødé ✓', vc: '', ch: 'abc', by: Buffer.alloc(0), j: [1, 'two', null], jb: { nested: { deep: [true, false, null] }, n: 12345678901234567890 },
    d: text ? '1999-12-31' : local(1999, 12, 31),
    d_date: text ? '1999-12-31' : local(1999, 12, 31),
    tm: '23:59:59.999999', ttz: '00:00:00-05:30',
    ts: text ? '1999-12-31 23:59:59.999999' : local(1999, 12, 31, 23, 59, 59, 999),
    ts_date: text ? '1970-01-01 00:00:00' : local(1970, 1, 1),
    tstz: text ? '2038-01-19 03:14:08+00' : new Date('2038-01-19T03:14:08.000Z'),
    iv: text ? '-1 years -2 mons +3 days -04:05:06' : interval({ years: -1, months: -2, days: 3, hours: -4, minutes: -5, seconds: -6 }),
    u: '00000000-0000-0000-0000-000000000000', e: 'sad', e_arr: '{}', t_arr: [null, 'NULL', '{}', ','], ts_arr: [],
  };
  const row3 = Object.fromEntries(Object.keys(row1).map((k) => [k, k === 'id' ? 3 + plus : null]));
  return [row1, row2, row3];
}

/** What drizzle's columns return for rows 1-3 (NULL columns come back as null). */
function ormExpected(plus: number) {
  const keys = Object.keys(ormRows[0]!);
  return ormRows.map((row) => Object.fromEntries(keys.map((k) => [k, k === 'id' ? row.id + plus : ((row as Record<string, unknown>)[k] ?? null)])));
}

/**
 * What a driver returns differently, by its service's documented limits (docs/DRIVERS.md, "Values"): asserted
 * here, never skipped. The Data API refuses results holding multidimensional arrays or money (among other types it
 * cannot encode), answers at most 1 MiB per result, and takes at most 4 MiB per request.
 */
const DOCUMENTED_DIFFERENCES: Record<string, { unsupportedResultTypes: true; resultOver1MiB: true; requestOver4MiB: true }> = {
  'data-api': { unsupportedResultTypes: true, resultOver1MiB: true, requestOver4MiB: true },
};

type Observed = Record<string, unknown>;
const observed = new Map<string, Observed>();

describe.each(targets)('type parity ($name)', (target) => {
  const h = useTarget(target);

  it('writes through session.db and session.query, and reads the same values back through both', async () => {
    // Prepare
    const db = h().createDb();
    const name = randomName('types');
    const { table } = allTypesTable(name);
    for (const ddl of allTypesDdl(name)) await h().sql(db, ddl);
    const placeholders = RAW_INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    const insert = `INSERT INTO ${name} (${RAW_INSERT_COLUMNS.join(', ')}) VALUES (${placeholders})`;

    // Act
    await db.session(async (s) => {
      for (const row of ormRows) await s.db.insert(table).values(row as typeof table.$inferInsert);
      for (const row of ormRows) await s.query(insert, rawParams({ ...row, id: row.id + 10 }));
    });
    const read = await db.session(async (s) => ({
      orm: await s.db.select().from(table).orderBy(table.id),
      raw: (await s.query(`SELECT * FROM ${name} ORDER BY id`)).rows,
      viaDb: (await s.db.execute(sql.raw(`SELECT * FROM ${name} ORDER BY id`))) as unknown as Observed[],
    }));
    observed.set(`${target.name} rows`, read);

    // Assess
    expect(read.orm).toEqual([...ormExpected(0), ...ormExpected(10)]);
    expect(read.raw).toEqual([...rawRows(0, 'parsed'), ...rawRows(10, 'parsed')]);
    expect(read.viaDb).toEqual([...rawRows(0, 'text'), ...rawRows(10, 'text')]);
    expect(Buffer.isBuffer(read.raw[0]!.by) && Buffer.isBuffer(read.orm[0]!.by)).toBe(true);
  });

  it('returns computed values (count, NaN, infinities, NULL elements) the same way', async () => {
    // Prepare
    const db = h().createDb();
    const text = `SELECT count(*) AS n, 'NaN'::float8 AS nan, '-Infinity'::float8 AS ninf, 'NaN'::numeric AS nnan,
      '{0.10,NULL,12345678901234567890.12345}'::numeric[] AS num_arr, '{NULL,9007199254740993}'::int8[] AS i8_arr,
      '{a,NULL,"c d"}'::text[] AS words, 'infinity'::timestamptz AS inf, '{1.5,NULL}'::float8[] AS f8_arr
      FROM (VALUES (1), (2)) AS v(x)`;

    // Act
    const read = await db.session(async (s) => ({
      raw: (await s.query(text)).rows[0],
      viaDb: ((await s.db.execute(sql.raw(text))) as unknown as Observed[])[0],
      counted: (await s.db.select({ n: count() }).from(sql`(VALUES (1), (2)) AS v(x)`))[0],
    }));
    observed.set(`${target.name} computed`, read);

    // Assess
    const same = {
      n: '2', nan: NaN, ninf: -Infinity, nnan: 'NaN', num_arr: ['0.10', null, '12345678901234567890.12345'], i8_arr: [null, '9007199254740993'],
      words: ['a', null, 'c d'], f8_arr: [1.5, null],
    };
    expect(read.raw).toEqual({ ...same, inf: Infinity });
    expect(read.viaDb).toEqual({ ...same, inf: 'infinity' });
    expect(read.counted).toEqual({ n: 2 });
  });
});

describe.each(targets)('documented differences ($name)', (target) => {
  const h = useTarget(target);

  it('returns large values where the service allows them, and names the documented limit where it does not', async () => {
    // Prepare
    const db = h().createDb();
    const limited = DOCUMENTED_DIFFERENCES[target.name];
    const big = 'x'.repeat(4.5 * 1024 * 1024);

    // Act
    const result = await db.session((s) => s.query<{ v: string }>("SELECT repeat('y', 1100000) AS v")).catch((e: unknown) => e);
    const request = await db.session((s) => s.query<{ n: number }>('SELECT length($1::text) AS n', [big])).catch((e: unknown) => e);

    // Assess
    if (limited?.resultOver1MiB) expect(result).toBeInstanceOf(LimitExceededError);
    else expect((result as { rows: { v: string }[] }).rows[0]!.v).toHaveLength(1_100_000);
    if (limited?.requestOver4MiB) expect(request).toBeInstanceOf(LimitExceededError);
    else expect((request as { rows: { n: number }[] }).rows[0]!.n).toBe(big.length);
  });

  it('returns multidimensional arrays (NULL elements included) and money, or the typed refusal the Data API documents', async () => {
    // Prepare
    const db = h().createDb();
    const name = randomName('nested');
    const table = nestedTable(name);
    await h().sql(db, nestedDdl(name));
    const grid = [[1, null], [3, 4]];
    const words = [['a', null], ['c d', '"q"']];

    // Act: written both ways (writing is never refused), read as values and as text
    await db.session(async (s) => {
      await s.db.insert(table).values({ id: 1, grid: grid as number[][], words: words as string[][] });
      await s.query(`INSERT INTO ${name} (id, grid, words, mo) VALUES ($1, $2, $3, $4)`, [2, grid, words, '1.50']);
    });
    const orm = await db.session((s) => s.db.select().from(table).orderBy(table.id)).catch((e: unknown) => e);
    const raw = await db.session(async (s) => (await s.query(`SELECT grid, words, mo FROM ${name} WHERE id = 2`)).rows).catch((e: unknown) => e);
    const asText = await db.session(async (s) => (await s.query(`SELECT grid::text AS grid, words::text AS words, mo::text AS mo FROM ${name} WHERE id = 2`)).rows);

    // Assess
    expect(asText).toEqual([{ grid: '{{1,NULL},{3,4}}', words: '{{a,NULL},{"c d","\\"q\\""}}', mo: '$1.50' }]);
    if (DOCUMENTED_DIFFERENCES[target.name]?.unsupportedResultTypes) {
      for (const refused of [orm, raw]) {
        expect(refused).toBeInstanceOf(UnsupportedError);
        expect((refused as Error).message).toContain('cast the column to text');
      }
      return;
    }
    expect(orm).toEqual([
      { id: 1, grid, words },
      { id: 2, grid, words },
    ]);
    expect(raw).toEqual([{ grid, words, mo: '$1.50' }]);
  });

  it('refuses a NUL character in text the same way on every driver', async () => {
    // Prepare
    const db = h().createDb();

    // Act
    const outcome = await db.session((s) => s.query('SELECT $1::text AS v', ['a\u0000b'])).catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(BadInputError);
  });
});

describe('type parity across drivers', () => {
  afterAll(() => observed.clear());

  it('every driver returned exactly what pg returned, classes included', () => {
    // Assess
    const reference = targets[0]!.name;
    expect(reference).toBe('pg-direct');
    for (const kind of ['rows', 'computed']) {
      const expected = observed.get(`${reference} ${kind}`);
      expect(expected).toBeDefined();
      for (const target of targets.slice(1)) expect({ target: target.name, ...observed.get(`${target.name} ${kind}`) }).toStrictEqual({ target: target.name, ...expected });
    }
  });
});
