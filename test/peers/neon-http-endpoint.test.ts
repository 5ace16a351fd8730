// The real neon() HTTP driver against our local /sql endpoint.
import { neon, neonConfig, NeonDbError } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
let endpoint: NeonHttpEndpoint;
// The driver wants a password in the URL shape; the endpoint ignores it (local trust auth).
let connectionString: string;

beforeAll(async () => {
  db = await createTestDatabase('neonhttp');
  endpoint = await startNeonHttpEndpoint({ port: 0 });
  neonConfig.fetchEndpoint = endpoint.url;
  connectionString = `postgresql://postgres:secret-pw@127.0.0.1:5432/${db.name}`;
  await adminQuery('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))', [], db.name);
});

afterAll(async () => {
  await endpoint?.close();
  await db?.drop();
});

describe('neon http endpoint', () => {
  it('runs a single query with parameters', async () => {
    // Prepare
    const sql = neon(connectionString);

    // Act
    const rows = await sql.query('SELECT $1::int * 2 AS doubled, $2::text AS label, current_database() AS db', [21, 'x']);

    // Assess
    expect(rows).toEqual([{ doubled: 42, label: 'x', db: db.name }]);
  });

  it('returns raw text that the driver parses into JS types', async () => {
    // Prepare
    const sql = neon(connectionString);

    // Act
    const [row] = await sql`SELECT 7::int4 AS i, 2.5::float8 AS f, '2024-05-06T07:08:09.123Z'::timestamptz AS ts,
      '{"a":[1,2]}'::jsonb AS j, ARRAY[1,2,3]::int[] AS arr, ARRAY['a',NULL,'b c']::text[] AS texts,
      NULL::text AS nothing, true AS flag, 9007199254740993::int8 AS big`;

    // Assess
    expect(row).toEqual({
      i: 7,
      f: 2.5,
      ts: new Date('2024-05-06T07:08:09.123Z'),
      j: { a: [1, 2] },
      arr: [1, 2, 3],
      texts: ['a', null, 'b c'],
      nothing: null,
      flag: true,
      big: '9007199254740993',
    });
  });

  it('gives full results with fields, command and rowCount', async () => {
    // Prepare
    const sql = neon(connectionString, { fullResults: true });

    // Act
    const result = await sql.query('INSERT INTO accounts VALUES ($1, $2), ($3, $4)', [100, 5, 101, 6]);
    const select = await sql.query('SELECT id FROM accounts WHERE id >= $1 ORDER BY id', [100]);

    // Assess
    expect(result.command).toBe('INSERT');
    expect(result.rowCount).toBe(2);
    expect(select.fields[0]).toMatchObject({ name: 'id', dataTypeID: 23, format: 'text' });
    expect(select.rows).toEqual([{ id: 100 }, { id: 101 }]);
  });

  it('reports SQL errors as NeonDbError with the SQLSTATE and fields', async () => {
    // Prepare
    const sql = neon(connectionString);

    // Act
    const error = await sql.query('SELECT * FROM no_such_table').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).code).toBe('42P01');
    expect((error as NeonDbError).message).toBe('relation "no_such_table" does not exist');
    expect((error as NeonDbError).position).toBe('15');
    expect((error as NeonDbError).severity).toBe('ERROR');
  });

  it('commits a transaction batch atomically in exactly one HTTP request', async () => {
    // Prepare
    const sql = neon(connectionString);
    const before = endpoint.requests();

    // Act
    const [, , count] = await sql.transaction(
      [sql`INSERT INTO accounts VALUES (1, 10)`, sql`INSERT INTO accounts VALUES (2, 20)`, sql`SELECT count(*)::int AS n FROM accounts WHERE id < 3`],
      { isolationLevel: 'Serializable' },
    );

    // Assess
    expect(endpoint.requests() - before).toBe(1);
    expect(count).toEqual([{ n: 2 }]);
    expect(await adminQuery('SELECT id FROM accounts WHERE id < 3 ORDER BY id', [], db.name)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rolls the whole batch back when one statement fails', async () => {
    // Prepare
    const sql = neon(connectionString);
    const before = endpoint.requests();

    // Act
    const error = await sql
      .transaction([sql`INSERT INTO accounts VALUES (3, 30)`, sql`UPDATE accounts SET balance = -1 WHERE id = 3`])
      .catch((e: unknown) => e);

    // Assess
    expect(endpoint.requests() - before).toBe(1);
    expect((error as NeonDbError).code).toBe('23514');
    expect(await adminQuery('SELECT id FROM accounts WHERE id = 3', [], db.name)).toEqual([]);
  });

  it('honours read-only batches', async () => {
    // Prepare
    const sql = neon(connectionString);

    // Act
    const error = await sql.transaction([sql`INSERT INTO accounts VALUES (4, 40)`], { readOnly: true }).catch((e: unknown) => e);

    // Assess
    expect((error as NeonDbError).code).toBe('25006');
  });

  it('answers raw HTTP clients with the proxy shapes (non-raw output, bad requests)', async () => {
    // Prepare
    const headers = { 'Neon-Connection-String': connectionString, 'Content-Type': 'application/json' };

    // Act
    const ok = await fetch(endpoint.url, { method: 'POST', headers, body: JSON.stringify({ query: 'SELECT $1::int AS n, ARRAY[true] AS b', params: [5] }) });
    const noHeader = await fetch(endpoint.url, { method: 'POST', body: JSON.stringify({ query: 'SELECT 1' }) });
    const okBody = await ok.json();
    const badBody = (await noHeader.json()) as { message: string };

    // Assess
    expect(okBody).toMatchObject({ rowAsArray: false, rows: [{ n: 5, b: [true] }], command: 'SELECT', rowCount: 1 });
    expect(noHeader.status).toBe(400);
    expect(badBody.message).toBe('invalid header: neon-connection-string');
    expect(JSON.stringify(okBody)).not.toContain('secret-pw');
  });
});
