// data-api: $n placeholders become :pN named parameters only in code, never inside literals, comments or quoted
// identifiers; text values are untyped literals that cannot break out of their quotes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { BadInputError, type Database } from '../../lib/db';
import { bindParameters } from '../../lib/db/drivers/data-api/params';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { dataApiDatabase, failure } from './helpers';

let tdb: TestDatabase;
let endpoint: DataApiEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('dataapi_params');
  endpoint = await startDataApiEndpoint();
  await adminQuery('CREATE TABLE victims (id int)', [], tdb.name);
  db = dataApiDatabase(tdb, endpoint);
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

describe('data-api parameters', () => {
  it('rewrites placeholders in code only', () => {
    // Act
    const bound = bindParameters(`SELECT $1, '$1', "a$1", $$ $2 $$, /* $1 */ $10 -- $1\n, $2, x$1`, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Assess
    expect(bound.sql).toBe(`SELECT :p1, '$1', "a$1", $$ $2 $$, /* $1 */ :p10 -- $1\n, :p2, x$1`);
    expect(bound.parameters.map((p) => p.name)).toEqual(['p1', 'p10', 'p2']);
  });

  it('keeps hostile text inside its literal and round-trips it exactly', async () => {
    // Prepare
    const hostile = ["'); DROP TABLE victims; --", "\\'; DROP TABLE victims; --", 'E\'\\x27', '$$; DROP TABLE victims; $$'];

    // Act
    const rows = await db.session((s) => s.query<{ v: string }>('SELECT $1::text AS v UNION ALL SELECT $2 UNION ALL SELECT $3 UNION ALL SELECT $4', hostile));
    const tables = await adminQuery("SELECT to_regclass('victims') IS NOT NULL AS present", [], tdb.name);

    // Assess
    expect(rows.rows.map((r) => r.v)).toEqual(hostile);
    expect(tables).toEqual([{ present: true }]);
  });

  it('refuses a placeholder without a value before sending', async () => {
    // Prepare
    const before = endpoint.requests();

    // Act
    const error = await failure(db.session((s) => s.query('SELECT $1, $2', [1])));

    // Assess
    expect(error).toBeInstanceOf(BadInputError);
    expect(endpoint.requests()).toBe(before);
  });
});
