// One table with every common PostgreSQL type, the values written to it, and what each read path must return:
// the drizzle columns' values (session.db.select) and the driver values of a raw statement (session.query), which
// are node-postgres's own on every driver. Shared by the parity suite (types.test.ts).
import { bigint, boolean, char, customType, date, doublePrecision, integer, interval, json, jsonb, numeric, pgEnum, pgTable, real, smallint, text, time, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** The table and its enum under per-test names (a test database may be shared by several tests). */
export function allTypesTable(name: string) {
  const mood = pgEnum(`${name}_mood`, ['sad', 'ok', 'happy']);
  const table = pgTable(name, {
    id: integer('id').primaryKey(),
    i2: smallint('i2'),
    i4: integer('i4'),
    i8: bigint('i8', { mode: 'bigint' }),
    i8n: bigint('i8n', { mode: 'number' }),
    num: numeric('num'),
    numScaled: numeric('num_scaled', { precision: 10, scale: 2 }),
    numBig: numeric('num_big', { mode: 'bigint' }),
    numArr: numeric('num_arr').array(),
    numBigArr: numeric('num_big_arr', { mode: 'bigint' }).array(),
    i8Arr: bigint('i8_arr', { mode: 'bigint' }).array(),
    f4: real('f4'),
    f8: doublePrecision('f8'),
    b: boolean('b'),
    t: text('t'),
    vc: varchar('vc', { length: 20 }),
    ch: char('ch', { length: 3 }),
    by: bytea('by'),
    j: json('j'),
    jb: jsonb('jb'),
    d: date('d'),
    dDate: date('d_date', { mode: 'date' }),
    tm: time('tm'),
    ttz: time('ttz', { withTimezone: true }),
    ts: timestamp('ts', { mode: 'string' }),
    tsDate: timestamp('ts_date'),
    tstz: timestamp('tstz', { withTimezone: true }),
    iv: interval('iv'),
    u: uuid('u'),
    e: mood('e'),
    eArr: mood('e_arr').array(),
    tArr: text('t_arr').array(),
    tsArr: timestamp('ts_arr', { withTimezone: true, mode: 'string' }).array(),
  });
  return { mood, table };
}

/** The DDL of allTypesTable(name), written out (the parity suite creates it from outside the code under test). */
export function allTypesDdl(name: string): string[] {
  return [
    `CREATE TYPE ${name}_mood AS ENUM ('sad', 'ok', 'happy')`,
    `CREATE TABLE ${name} (
      id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, i8n bigint, num numeric, num_scaled numeric(10, 2), num_big numeric,
      num_arr numeric[], num_big_arr numeric[], i8_arr bigint[], f4 real, f8 double precision, b boolean, t text, vc varchar(20),
      ch char(3), by bytea, j json, jb jsonb, d date, d_date date, tm time, ttz timetz, ts timestamp, ts_date timestamp,
      tstz timestamptz, iv interval, u uuid, e ${name}_mood, e_arr ${name}_mood[], t_arr text[], ts_arr timestamptz[]
    )`,
  ];
}

/**
 * Multidimensional arrays and money, in a table of their own: the Data API refuses results holding them
 * (UnsupportedResultException, documented), so they are the parity suite's named difference.
 */
export function nestedTable(name: string) {
  return pgTable(name, {
    id: integer('id').primaryKey(),
    grid: integer('grid').array().array(),
    words: text('words').array().array(),
  });
}

export const nestedDdl = (name: string) => `CREATE TABLE ${name} (id int PRIMARY KEY, grid int[][], words text[][], mo money)`;

/** What drizzle writes and reads back (its column values). Row 1 typical, row 2 the edges, row 3 all NULL. */
export const ormRows = [
  {
    id: 1,
    i2: 1,
    i4: 2,
    i8: 9007199254740993n,
    i8n: 42,
    num: '12345678901234567890.12345',
    numScaled: '0.10',
    numBig: 5044565289845416380n,
    numArr: ['0.10', '12345678901234567890.12345'],
    numBigArr: [5044565289845416380n],
    i8Arr: [1n, 9007199254740993n],
    f4: 1.5,
    f8: 0.1,
    b: true,
    t: 'x',
    vc: 'y',
    ch: 'z  ',
    by: Buffer.from('deadbeef', 'hex'),
    j: { a: 1 },
    jb: { b: [1, 2] },
    d: '2024-02-03',
    dDate: new Date('2024-02-03T00:00:00.000Z'),
    tm: '04:05:06.789',
    ttz: '04:05:06+02',
    ts: '2024-02-03 04:05:06.789',
    tsDate: new Date('2024-02-03T04:05:06.789Z'),
    tstz: new Date('2024-02-03T02:05:06.789Z'),
    iv: '1 day 02:03:04',
    u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    e: 'happy' as const,
    eArr: ['sad' as const, 'happy' as const],
    tArr: ['a', 'b c', 'quote"d', 'back\\slash', ''],
    tsArr: ['2024-02-03 04:05:06+00'],
  },
  {
    id: 2,
    i2: -32768,
    i4: 2147483647,
    i8: -9223372036854775808n,
    i8n: -1,
    num: '-0.000000000000000000001',
    numScaled: '-99999999.99',
    numBig: 0n,
    // Null elements of numeric and int8 arrays: raw reads only (drizzle's numeric and bigint mappers do not take NULL).
    numArr: ['0.00000000000000000001', '-3'],
    numBigArr: [],
    i8Arr: [9223372036854775807n, -1n],
    f4: -0.25,
    f8: 1e-300,
    b: false,
    t: 'ünïcødé ✓',
    vc: '',
    ch: 'abc',
    by: Buffer.alloc(0),
    j: [1, 'two', null],
    jb: { nested: { deep: [true, false, null] }, n: 12345678901234567890 },
    d: '1999-12-31',
    dDate: new Date('1999-12-31T00:00:00.000Z'),
    tm: '23:59:59.999999',
    ttz: '00:00:00-05:30',
    ts: '1999-12-31 23:59:59.999999',
    tsDate: new Date('1970-01-01T00:00:00.000Z'),
    tstz: new Date('2038-01-19T03:14:08.000Z'),
    iv: '-1 years -2 mons +3 days -04:05:06',
    u: '00000000-0000-0000-0000-000000000000',
    e: 'sad' as const,
    eArr: [],
    tArr: [null, 'NULL', '{}', ','],
    tsArr: [],
  },
  // Every column NULL.
  { id: 3 },
];

/** Rows 1 and 2 written by a raw INSERT with parameters: the JS values a caller would pass. */
export const RAW_INSERT_COLUMNS = [
  'id', 'i2', 'i4', 'i8', 'i8n', 'num', 'num_scaled', 'num_big', 'num_arr', 'num_big_arr', 'i8_arr', 'f4', 'f8', 'b', 't', 'vc', 'ch', 'by', 'j', 'jb',
  'd', 'd_date', 'tm', 'ttz', 'ts', 'ts_date', 'tstz', 'iv', 'u', 'e', 'e_arr', 't_arr', 'ts_arr',
] as const;

/** A row's values in RAW_INSERT_COLUMNS order, as a caller passes them to session.query. */
export function rawParams(row: (typeof ormRows)[number]): unknown[] {
  const r = row as Record<string, unknown>;
  const keys = ['id', 'i2', 'i4', 'i8', 'i8n', 'num', 'numScaled', 'numBig', 'numArr', 'numBigArr', 'i8Arr', 'f4', 'f8', 'b', 't', 'vc', 'ch', 'by', 'j', 'jb', 'd', 'dDate', 'tm', 'ttz', 'ts', 'tsDate', 'tstz', 'iv', 'u', 'e', 'eArr', 'tArr', 'tsArr'];
  return keys.map((k) => {
    const v = r[k];
    if (v === undefined) return null;
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v) && v.some((x) => typeof x === 'bigint')) return v.map((x) => (typeof x === 'bigint' ? x.toString() : x));
    // json's value is an array: node-postgres would send a JS array as a PostgreSQL array literal, so callers pass JSON text.
    if (k === 'j' || k === 'jb') return JSON.stringify(v);
    // A Date for a column without a time zone is written in the process's zone by node-postgres and in UTC by
    // PGlite: callers pass the text (drizzle's columns do the same).
    if (k === 'dDate') return (v as Date).toISOString().slice(0, 10);
    if (k === 'tsDate') return (v as Date).toISOString().replace('T', ' ').replace('Z', '');
    return v;
  });
}
