// data-api: PostgreSQL errors keep their SQLSTATE (read from the service's message, which has no field for it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { BadInputError, ConnectionFailedError, ConstraintViolationError, QueryError, SerializationFailureError, UnsupportedError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { dataApiDatabase, failure } from './helpers';

let tdb: TestDatabase;
let endpoint: DataApiEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('dataapi_errors');
  endpoint = await startDataApiEndpoint();
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY, qty int CHECK (qty >= 0))', [], tdb.name);
  await adminQuery('INSERT INTO items VALUES (1, 1)', [], tdb.name);
  db = dataApiDatabase(tdb, endpoint);
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

describe('data-api errors', () => {
  it('types errors by the SQLSTATE the service reports', async () => {
    // Act
    const unique = await failure(db.session((s) => s.transaction((tx) => tx.query('INSERT INTO items VALUES ($1, $2)', [1, 1]))));
    const check = await failure(db.session((s) => s.query('INSERT INTO items VALUES ($1, $2)', [2, -1])));
    const division = await failure(db.session((s) => s.query('SELECT 1 / $1', [0])));
    const syntax = await failure(db.session((s) => s.query('SELEC 1')));
    const conflict = await failure(db.session((s) => s.query("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = 'simulated $1'; END $$")));

    // Assess
    expect(unique).toBeInstanceOf(ConstraintViolationError);
    expect((unique as ConstraintViolationError).kind).toBe('unique');
    expect((check as ConstraintViolationError).sqlstate).toBe('23514');
    expect(division).toBeInstanceOf(BadInputError);
    expect((division as BadInputError).sqlstate).toBe('22012');
    expect((syntax as QueryError).sqlstate).toBe('42601');
    expect(conflict).toBeInstanceOf(SerializationFailureError);
  });

  it('refuses a result the service cannot return (multidimensional array) with UnsupportedError; cast to text it works', async () => {
    // Act
    const refused = await failure(db.session((s) => s.query('SELECT ARRAY[[1,2],[3,4]] AS grid')));
    const asText = await db.session((s) => s.query('SELECT ARRAY[[1,2],[3,4]]::text AS grid'));

    // Assess
    expect(refused).toBeInstanceOf(UnsupportedError);
    expect(asText.rows).toEqual([{ grid: '{{1,2},{3,4}}' }]);
  });

  it('reports an unreachable endpoint as a failed connection', async () => {
    // Prepare
    const gone = await startDataApiEndpoint();
    const unreachable = dataApiDatabase(tdb, gone);
    await gone.close();

    // Act
    const error = await failure(unreachable.session((s) => s.query('SELECT 1')));
    await unreachable.close();

    // Assess
    expect(error).toBeInstanceOf(ConnectionFailedError);
  });
});
