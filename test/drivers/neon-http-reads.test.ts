// neon-http reads: each statement is one HTTP request; values match the pg driver's; errors keep their SQLSTATE.
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { BadInputError, ConnectionFailedError, QueryError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { failure, neonHttpDatabase, pgDatabase } from './helpers';

const events = pgTable('events', { id: integer('id').primaryKey(), name: text('name').notNull(), at: timestamp('at', { withTimezone: true }).notNull() });

let tdb: TestDatabase;
let endpoint: NeonHttpEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('neonhttp_reads');
  endpoint = await startNeonHttpEndpoint();
  await adminQuery('CREATE TABLE events (id int PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL)', [], tdb.name);
  await adminQuery("INSERT INTO events VALUES (1, 'first', '2024-05-06 07:08:09.123+00')", [], tdb.name);
  db = neonHttpDatabase(tdb, endpoint);
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

const PROBE = "SELECT 9007199254740993::int8 AS big, 1.5::float8 AS f, true AS b, '{\"a\":[1]}'::jsonb AS j, ARRAY[1,NULL,3] AS arr, '2024-05-06 07:08:09+00'::timestamptz AS ts, NULL::text AS nothing, $1::text AS p";

describe('neon-http reads', () => {
  it('runs each read as one request, with the same values as the pg driver', async () => {
    // Prepare
    const pg = pgDatabase(tdb.url, tdb.applicationName);
    const before = endpoint.requests();

    // Act
    const viaHttp = await db.session((s) => s.query(PROBE, ["it's"]));
    const requests = endpoint.requests() - before;
    const viaPg = await pg.session((s) => s.query(PROBE, ["it's"]));
    await pg.close();

    // Assess
    expect(requests).toBe(1);
    expect(viaHttp.rows).toEqual(viaPg.rows);
    expect(viaHttp.rows[0]).toMatchObject({ big: '9007199254740993', j: { a: [1] }, arr: [1, null, 3], nothing: null, p: "it's" });
  });

  it('serves drizzle queries, temporal columns included', async () => {
    // Act
    const rows = await db.session((s) => s.db.select().from(events));

    // Assess
    expect(rows).toEqual([{ id: 1, name: 'first', at: new Date('2024-05-06T07:08:09.123Z') }]);
  });

  it('types server errors by SQLSTATE and an unreachable endpoint as a failed connection', async () => {
    // Prepare
    const closed = await startNeonHttpEndpoint();
    const gone = neonHttpDatabase(tdb, closed);
    await closed.close();

    // Act
    const division = await failure(db.session((s) => s.query('SELECT 1 / 0')));
    const syntax = await failure(db.session((s) => s.query('SELEC 1')));
    const unreachable = await failure(gone.session((s) => s.query('SELECT 1')));
    // The library's endpoint setting is process-wide: each database must still reach its own.
    const still = await db.session((s) => s.query<{ n: number }>('SELECT 1 AS n'));
    await gone.close();

    // Assess
    expect(division).toBeInstanceOf(BadInputError);
    expect((division as BadInputError).sqlstate).toBe('22012');
    expect(syntax).toBeInstanceOf(QueryError);
    expect((syntax as QueryError).sqlstate).toBe('42601');
    expect(unreachable).toBeInstanceOf(ConnectionFailedError);
    expect(still.rows).toEqual([{ n: 1 }]);
  });
});
