// data-api: values travel both ways as on the pg driver (typed fields out and in; text-form values untyped).
import { eq } from 'drizzle-orm';
import { bigint, boolean, customType, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import type { Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { dataApiDatabase, pgDatabase } from './helpers';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const things = pgTable('things', {
  id: integer('id').primaryKey(),
  ext: uuid('ext').notNull(),
  big: bigint('big', { mode: 'bigint' }),
  price: numeric('price'),
  active: boolean('active'),
  doc: jsonb('doc').$type<{ tags: string[] }>(),
  at: timestamp('at', { withTimezone: true }),
  note: text('note'),
  raw: bytea('raw'),
});

let tdb: TestDatabase;
let endpoint: DataApiEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('dataapi_types');
  endpoint = await startDataApiEndpoint();
  await adminQuery(
    `CREATE TABLE things (id int PRIMARY KEY, ext uuid NOT NULL, big int8, price numeric, active bool, doc jsonb,
       at timestamptz, note text, raw bytea)`,
    [],
    tdb.name,
  );
  db = dataApiDatabase(tdb, endpoint);
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

const PROBE = `SELECT 9007199254740993::int8 AS big, 42::int4 AS small, 2.5::float8 AS f, 'NaN'::float8 AS nan, 12.30::numeric AS num,
  true AS b, '{"a":[1,null]}'::jsonb AS j, '[1,2]'::json AS js, ARRAY[1,NULL,3] AS ints, ARRAY['a b','c"d',NULL] AS texts,
  '2024-05-06 07:08:09.123456+00'::timestamptz AS tstz, '2024-05-06 07:08:09'::timestamp AS ts,
  '2024-05-06'::date AS d, '\\x00ff'::bytea AS bin, NULL::text AS nothing, 'f47ac10b-58cc-4372-a567-0e02b2c3d479'::uuid AS id`;

describe('data-api values', () => {
  it('returns the values the pg driver returns (int8 as exact string, json parsed, timestamptz as Date)', async () => {
    // Prepare
    const pg = pgDatabase(tdb.url, tdb.applicationName);

    // Act
    const viaDataApi = await db.session((s) => s.query(PROBE));
    const viaPg = await pg.session((s) => s.query(PROBE));
    await pg.close();

    // Assess
    expect(viaDataApi.rows).toEqual(viaPg.rows);
    expect(viaDataApi.rows[0]).toMatchObject({ big: '9007199254740993', small: 42, j: { a: [1, null] }, texts: ['a b', 'c"d', null] });
    expect((viaDataApi.rows[0] as { tstz: Date }).tstz.toISOString()).toBe('2024-05-06T07:08:09.123Z');
  });

  it('binds parameters of every kind, bigints past 2^53 and text into uuid/json/timestamptz columns included', async () => {
    // Prepare
    const at = new Date('2024-01-02T03:04:05.678Z');
    const params = [1, 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 9007199254740993n, '12.30', true, JSON.stringify({ tags: ["o'k", 'x\\y'] }), at, "it's \\ fine", Buffer.from([0, 255, 10])];

    // Act
    await db.session((s) => s.transaction((tx) => tx.query('INSERT INTO things VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', params)));
    const back = await adminQuery('SELECT ext::text, big::text, price::text, active, doc, at, note, raw FROM things WHERE id = 1', [], tdb.name);
    const nulls = await db.session((s) => s.query('SELECT $1::text AS a, $2::int AS b, $3 = 1.5 AS c', [null, undefined, 1.5]));

    // Assess
    expect(back[0]).toEqual({
      ext: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      big: '9007199254740993',
      price: '12.30',
      active: true,
      doc: { tags: ["o'k", 'x\\y'] },
      at,
      note: "it's \\ fine",
      raw: Buffer.from([0, 255, 10]),
    });
    expect(nulls.rows).toEqual([{ a: null, b: null, c: true }]);
  });

  it('maps the rows of writes with RETURNING, and counts writes without (no result set, no metadata asked for)', async () => {
    // Prepare
    await adminQuery("INSERT INTO things (id, ext, big, at) VALUES (3, gen_random_uuid(), 9007199254740993, '2024-05-06 07:08:09.5+00')", [], tdb.name);

    // Act
    const [returning, commented, withCte, plain] = await db.session((s) =>
      s.transaction(async (tx) => [
        await tx.query('UPDATE things SET note = $1 WHERE id = 3 RETURNING big, at', ['returning']),
        await tx.query('/* first */ update things SET note = $1 WHERE id = 3 returning id', ['x']),
        await tx.query('WITH u AS (UPDATE things SET note = $1 WHERE id = 3 RETURNING id) SELECT id FROM u', ['y']),
        await tx.query("UPDATE things SET note = 'RETURNING' WHERE id = $1", [3]),
      ]),
    );

    // Assess
    expect(returning.rows).toEqual([{ big: '9007199254740993', at: new Date('2024-05-06T07:08:09.500Z') }]);
    expect(commented.rows).toEqual([{ id: 3 }]);
    expect(withCte.rows).toEqual([{ id: 3 }]);
    expect(plain).toEqual({ rows: [], rowCount: 1 });
  });

  it('carries drizzle reads and writes, temporal and json columns included', async () => {
    // Prepare
    const row = { id: 2, ext: '0e8b1b2c-1111-4222-8333-944455556666', big: 12345678901234567n, price: '1.50', active: false, doc: { tags: ['a'] }, at: new Date('2025-02-03T04:05:06.789Z'), note: null, raw: Buffer.from('hi') };

    // Act
    await db.session((s) => s.transaction((tx) => tx.db.insert(things).values(row)));
    const [read] = await db.session((s) => s.db.select().from(things).where(eq(things.id, 2)));

    // Assess
    expect(read).toEqual(row);
  });
});
