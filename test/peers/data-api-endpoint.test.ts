// The real AWS SDK v3 RDSDataClient against our local Data API endpoint.
import {
  BadRequestException,
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseErrorException,
  DatabaseResumingException,
  ExecuteStatementCommand,
  RDSDataClient,
  RDSDataServiceException,
  RollbackTransactionCommand,
  StatementTimeoutException,
  TransactionNotFoundException,
  UnsupportedResultException,
  type ExecuteStatementCommandInput,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint.js';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
let endpoint: DataApiEndpoint;
let limited: DataApiEndpoint;
let client: RDSDataClient;
let limitedClient: RDSDataClient;

const ARNS = {
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:local',
};

function sdkClient(target: DataApiEndpoint): RDSDataClient {
  // Any region and credentials: the endpoint accepts every SigV4 signature unchecked.
  return new RDSDataClient({ endpoint: target.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, maxAttempts: 1 });
}

function execute(input: Omit<ExecuteStatementCommandInput, 'resourceArn' | 'secretArn'>, via = client) {
  return via.send(new ExecuteStatementCommand({ ...ARNS, database: db.name, ...input }));
}

beforeAll(async () => {
  db = await createTestDatabase('dataapi');
  endpoint = await startDataApiEndpoint({ port: 0 });
  // Tiny limits so the limit behaviour is quick to reach.
  limited = await startDataApiEndpoint({ port: 0, statementTimeoutMs: 300, transactionIdleMs: 300, maxResultBytes: 2048, maxRequestBytes: 4096 });
  client = sdkClient(endpoint);
  limitedClient = sdkClient(limited);
  await adminQuery(
    `CREATE TABLE items (
       id serial PRIMARY KEY, name text NOT NULL, qty int4, big int8, price numeric(10,2), ratio float8, active bool,
       data bytea, doc jsonb, ext_id uuid, created timestamptz, day date, at time, plain_ts timestamp, nothing text)`,
    [],
    db.name,
  );
});

afterAll(async () => {
  client?.destroy();
  limitedClient?.destroy();
  await endpoint?.close();
  await limited?.close();
  await db?.drop();
});

describe('data api endpoint: statements and values', () => {
  it('binds every Field type and returns each the way the service does', async () => {
    // Prepare
    const insert = `INSERT INTO items (id, name, qty, big, price, ratio, active, data, doc, ext_id, created, day, at, plain_ts, nothing)
      VALUES (1, :name, :qty, CAST(:big AS bigint), :price, :ratio, :active, :data, :doc, :ext, :created, :day, :at, :plain, :nothing)`;

    // Act
    const inserted = await execute({
      sql: insert,
      parameters: [
        { name: 'name', value: { stringValue: 'widget' } },
        { name: 'qty', value: { longValue: 7 } },
        { name: 'big', value: { stringValue: '9007199254740993' } },
        { name: 'price', value: { stringValue: '12.50' }, typeHint: 'DECIMAL' },
        { name: 'ratio', value: { doubleValue: 0.25 } },
        { name: 'active', value: { booleanValue: true } },
        { name: 'data', value: { blobValue: new Uint8Array([0, 1, 254, 255]) } },
        { name: 'doc', value: { stringValue: '{"a":[1,2]}' }, typeHint: 'JSON' },
        { name: 'ext', value: { stringValue: '6f1c7c9e-1d2b-4f55-9a3e-0b7c2a9d4e11' }, typeHint: 'UUID' },
        { name: 'created', value: { stringValue: '2024-05-06 07:08:09.123' }, typeHint: 'TIMESTAMP' },
        { name: 'day', value: { stringValue: '2024-05-06' }, typeHint: 'DATE' },
        { name: 'at', value: { stringValue: '07:08:09' }, typeHint: 'TIME' },
        { name: 'plain', value: { stringValue: '2024-01-02 03:04:05' }, typeHint: 'TIMESTAMP' },
        { name: 'nothing', value: { isNull: true } },
      ],
    });
    const selected = await execute({ sql: 'SELECT name, qty, big, price, ratio, active, data, doc, ext_id, created, day, at, plain_ts, nothing FROM items WHERE id = 1' });

    // Assess
    expect(inserted.numberOfRecordsUpdated).toBe(1);
    expect(inserted.generatedFields).toEqual([]);
    expect(inserted.records).toBeUndefined();
    const [row] = selected.records ?? [];
    expect(row).toEqual([
      { stringValue: 'widget' },
      { longValue: 7 },
      { longValue: 9007199254740992 }, // the JSON number is exact; the SDK's JSON.parse rounds it
      { stringValue: '12.50' },
      { doubleValue: 0.25 },
      { booleanValue: true },
      { blobValue: new Uint8Array([0, 1, 254, 255]) },
      { stringValue: '{"a": [1, 2]}' },
      { stringValue: '6f1c7c9e-1d2b-4f55-9a3e-0b7c2a9d4e11' },
      { stringValue: '2024-05-06 07:08:09.123' },
      { stringValue: '2024-05-06' },
      { stringValue: '07:08:09' },
      { stringValue: '2024-01-02 03:04:05' },
      { isNull: true },
    ]);
    expect(selected.numberOfRecordsUpdated).toBe(0);
  });

  it('returns int8 as longValue by default, past 2^53 too (exact in the JSON, rounded by the SDK), and as text on request', async () => {
    // Prepare
    const sql = "SELECT 9007199254740993::int8 AS big, '-9223372036854775808'::int8 AS min, 42::int8 AS small";

    // Act
    const result = await execute({ sql });
    const asStrings = await execute({ sql, resultSetOptions: { longReturnType: 'STRING' } });
    const raw = await fetch(`${endpoint.url}/Execute`, { method: 'POST', body: JSON.stringify({ ...ARNS, database: db.name, sql }) }).then((r) => r.text());

    // Assess
    expect(result.records?.[0]).toEqual([{ longValue: 9007199254740992 }, { longValue: -9223372036854775808 }, { longValue: 42 }]);
    expect(raw).toContain('[{"longValue":9007199254740993},{"longValue":-9223372036854775808},{"longValue":42}]');
    expect(asStrings.records?.[0]).toEqual([{ stringValue: '9007199254740993' }, { stringValue: '-9223372036854775808' }, { stringValue: '42' }]);
  });

  it('returns one-dimensional arrays as arrayValue', async () => {
    // Act
    const result = await execute({
      sql: `SELECT ARRAY[1,2]::int[] AS ints, ARRAY[1.5,NULL]::float8[] AS floats, ARRAY[true,false] AS flags,
              ARRAY['a','b c']::text[] AS texts, '{}'::text[] AS empty`,
    });

    // Assess
    expect(result.records?.[0]).toEqual([
      { arrayValue: { longValues: [1, 2] } },
      { arrayValue: { doubleValues: [1.5, null] } },
      { arrayValue: { booleanValues: [true, false] } },
      { arrayValue: { stringValues: ['a', 'b c'] } },
      { arrayValue: { stringValues: [] } },
    ]);
  });

  it('formats timestamps as the service does (timestamptz in UTC, no offset)', async () => {
    // Act
    const result = await execute({
      sql: `SELECT '2024-05-06 07:08:09.5+02'::timestamptz AS tz, '2024-05-06 07:08:09'::timestamp AS ts, '2024-05-06'::date AS d`,
    });

    // Assess
    expect(result.records?.[0]).toEqual([{ stringValue: '2024-05-06 05:08:09.5' }, { stringValue: '2024-05-06 07:08:09' }, { stringValue: '2024-05-06' }]);
  });

  it('describes columns with includeResultMetadata', async () => {
    // Act
    const result = await execute({ sql: 'SELECT id, name, doc, 1::int8 AS computed FROM items WHERE id = 1', includeResultMetadata: true });

    // Assess
    expect(result.columnMetadata?.map((c) => [c.name, c.typeName, c.type, c.tableName, c.nullable, c.isAutoIncrement])).toEqual([
      ['id', 'serial', 4, 'items', 0, true],
      ['name', 'text', 12, 'items', 0, false],
      ['doc', 'jsonb', 1111, 'items', 1, false],
      ['computed', 'int8', -5, '', 2, false],
    ]);
  });

  it('returns formattedRecords for formatRecordsAs JSON, big integers exact in the text', async () => {
    // Act
    const result = await execute({
      sql: `SELECT 1 AS n, 'x' AS s, NULL::int AS z, true AS b, 9007199254740993::int8 AS big, 1.50::numeric AS dec, ARRAY[1,2] AS arr`,
      formatRecordsAs: 'JSON',
    });

    // Assess
    expect(result.records).toBeUndefined();
    expect(result.formattedRecords).toBe('[{"n":1,"s":"x","z":null,"b":true,"big":9007199254740993,"dec":"1.50","arr":[1,2]}]');
  });

  it('uses the database named in the request', async () => {
    // Act
    const result = await execute({ sql: 'SELECT current_database() AS db' });

    // Assess
    expect(result.records?.[0]).toEqual([{ stringValue: db.name }]);
  });
});

describe('data api endpoint: errors', () => {
  it('reports SQL errors as DatabaseErrorException with the JDBC text and SQLState', async () => {
    // Act
    const error = await execute({ sql: "INSERT INTO items (id, name) VALUES (1, 'dup')" }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DatabaseErrorException);
    expect((error as DatabaseErrorException).message).toBe(
      'ERROR: duplicate key value violates unique constraint "items_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505',
    );
    expect((error as DatabaseErrorException).$metadata.httpStatusCode).toBe(400);
  });

  it('types stringValue as varchar, so a uuid column needs the UUID typeHint', async () => {
    // Act
    const error = await execute({
      sql: 'SELECT id FROM items WHERE ext_id = :ext',
      parameters: [{ name: 'ext', value: { stringValue: '6f1c7c9e-1d2b-4f55-9a3e-0b7c2a9d4e11' } }],
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DatabaseErrorException);
    expect((error as Error).message).toMatch(/^ERROR: operator does not exist: uuid = character varying\n {2}Hint: .*\n {2}Position: \d+; SQLState: 42883$/);
  });

  it('refuses array parameters like the service', async () => {
    // Act
    const error = await execute({ sql: 'SELECT :a AS a', parameters: [{ name: 'a', value: { arrayValue: { longValues: [1, 2] } } }] }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as Error).message).toBe('Array parameters are not supported.');
  });

  it('stops statements over the time limit with StatementTimeoutException', async () => {
    // Act
    const error = await execute({ sql: 'SELECT pg_sleep(30)' }, limitedClient).catch((e: unknown) => e);
    const sleeping = await eventually(
      () => adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query = 'SELECT pg_sleep(30)' AND state = 'active'", [db.name]),
      (rows) => rows[0]?.n === 0,
    );

    // Assess
    expect(error).toBeInstanceOf(StatementTimeoutException);
    expect((error as StatementTimeoutException).message).toBe('Request timed out');
    expect((error as StatementTimeoutException).dbConnectionId).toBeGreaterThan(0);
    expect(sleeping[0]?.n).toBe(0);
  });

  it('refuses results over the response size limit', async () => {
    // Act
    const error = await execute({ sql: "SELECT repeat('x', 5000) AS big" }, limitedClient).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnsupportedResultException);
    expect((error as Error).message).toBe('Database response exceeded size limit');
  });

  it('refuses requests over the request size limit with HTTP 413', async () => {
    // Act
    const error = await execute({ sql: `SELECT 1 /* ${'x'.repeat(8000)} */` }, limitedClient).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RDSDataServiceException);
    expect((error as RDSDataServiceException).$metadata.httpStatusCode).toBe(413);
    expect((error as RDSDataServiceException).name).toBe('RequestEntityTooLargeException');
  });

  it('surfaces DatabaseResumingException while resuming, then succeeds', async () => {
    // Prepare
    endpoint.resumingFor(300);

    // Act
    const first = await execute({ sql: 'SELECT 1 AS one' }).catch((e: unknown) => e);
    const later = await eventually(
      () => execute({ sql: 'SELECT 1 AS one' }).catch((e: unknown) => e),
      (r) => !(r instanceof DatabaseResumingException),
    );

    // Assess
    expect(first).toBeInstanceOf(DatabaseResumingException);
    expect((first as DatabaseResumingException).$metadata.httpStatusCode).toBe(400);
    expect(later).toMatchObject({ records: [[{ longValue: 1 }]] });
  });
});

describe('data api endpoint: batches and transactions', () => {
  it('runs BatchExecuteStatement once per parameter set', async () => {
    // Act
    const result = await client.send(
      new BatchExecuteStatementCommand({
        ...ARNS,
        database: db.name,
        sql: 'INSERT INTO items (id, name) VALUES (:id, :name)',
        parameterSets: [10, 11, 12].map((id) => [
          { name: 'id', value: { longValue: id } },
          { name: 'name', value: { stringValue: `batch-${id}` } },
        ]),
      }),
    );

    // Assess
    expect(result.updateResults).toEqual([{ generatedFields: [] }, { generatedFields: [] }, { generatedFields: [] }]);
    expect(await adminQuery('SELECT id FROM items WHERE id BETWEEN 10 AND 12 ORDER BY id', [], db.name)).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }]);
  });

  it('applies a failing batch not at all', async () => {
    // Act
    const error = await client
      .send(
        new BatchExecuteStatementCommand({
          ...ARNS,
          database: db.name,
          sql: 'INSERT INTO items (id, name) VALUES (:id, :name)',
          parameterSets: [20, 20].map((id) => [
            { name: 'id', value: { longValue: id } },
            { name: 'name', value: { stringValue: 'twice' } },
          ]),
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DatabaseErrorException);
    expect(await adminQuery('SELECT id FROM items WHERE id = 20', [], db.name)).toEqual([]);
  });

  it('commits a transaction: invisible before commit, visible after', async () => {
    // Prepare
    const { transactionId } = await client.send(new BeginTransactionCommand({ ...ARNS, database: db.name }));

    // Act
    await execute({ sql: "INSERT INTO items (id, name) VALUES (30, 'tx')", transactionId });
    const outside = await adminQuery('SELECT id FROM items WHERE id = 30', [], db.name);
    const commit = await client.send(new CommitTransactionCommand({ ...ARNS, transactionId }));
    const reuse = await execute({ sql: 'SELECT 1', transactionId }).catch((e: unknown) => e);

    // Assess
    expect(transactionId).toHaveLength(184);
    expect(outside).toEqual([]);
    expect(commit.transactionStatus).toBe('Transaction Committed');
    expect(await adminQuery('SELECT id FROM items WHERE id = 30', [], db.name)).toEqual([{ id: 30 }]);
    expect(reuse).toBeInstanceOf(TransactionNotFoundException);
    expect((reuse as Error).message).toBe(`Transaction ${transactionId} isn't found. One previous call resulted in a termination of your transaction.`);
  });

  it('rolls a transaction back', async () => {
    // Prepare
    const { transactionId } = await client.send(new BeginTransactionCommand({ ...ARNS, database: db.name }));
    await execute({ sql: "INSERT INTO items (id, name) VALUES (31, 'tx')", transactionId });

    // Act
    const rollback = await client.send(new RollbackTransactionCommand({ ...ARNS, transactionId }));

    // Assess
    expect(rollback.transactionStatus).toBe('Rollback Complete');
    expect(await adminQuery('SELECT id FROM items WHERE id = 31', [], db.name)).toEqual([]);
  });

  it('refuses a second concurrent statement in the same transaction', async () => {
    // Prepare
    const { transactionId } = await client.send(new BeginTransactionCommand({ ...ARNS, database: db.name }));
    const slow = execute({ sql: 'SELECT pg_sleep(1) AS slept', transactionId });
    await eventually(
      () => adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep(1)%' AND state = 'active'", [db.name]),
      (rows) => rows[0]?.n === 1,
    );

    // Act
    const second = await execute({ sql: 'SELECT 2', transactionId }).catch((e: unknown) => e);
    await slow;
    const afterwards = await execute({ sql: 'SELECT 3 AS n', transactionId });
    await client.send(new RollbackTransactionCommand({ ...ARNS, transactionId }));

    // Assess
    expect(second).toBeInstanceOf(DatabaseErrorException);
    expect((second as Error).message).toBe('Transaction is still running a query');
    expect(afterwards.records).toEqual([[{ longValue: 3 }]]);
  });

  it('expires idle transactions, rolling them back', async () => {
    // Prepare
    const { transactionId } = await limitedClient.send(new BeginTransactionCommand({ ...ARNS, database: db.name }));
    await execute({ sql: "INSERT INTO items (id, name) VALUES (40, 'idle')", transactionId }, limitedClient);

    // Act: wait until the held connection is no longer inside a transaction.
    await eventually(
      () => adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'", [db.name]),
      (rows) => rows[0]?.n === 0,
    );
    const error = await execute({ sql: 'SELECT 1', transactionId }, limitedClient).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransactionNotFoundException);
    expect((error as Error).message).toBe(`Transaction ${transactionId} isn't found. Transaction may be expired.`);
    expect(await adminQuery('SELECT id FROM items WHERE id = 40', [], db.name)).toEqual([]);
  });

  it('forgets a transaction whose backend was terminated, and keeps serving', async () => {
    // Prepare
    const { transactionId } = await client.send(new BeginTransactionCommand({ ...ARNS, database: db.name }));
    const held = await execute({ sql: 'SELECT pg_backend_pid() AS pid', transactionId });
    const pid = held.records?.[0]?.[0]?.longValue;

    // Act: the backend dies while the transaction is idle (as idle_in_transaction_session_timeout does).
    const [terminated] = await adminQuery<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
    const later = await eventually(
      () => execute({ sql: 'SELECT 1', transactionId }).catch((e: unknown) => e),
      (r) => r instanceof TransactionNotFoundException,
    );
    const fresh = await execute({ sql: 'SELECT 2 AS n' });

    // Assess
    expect(pid).toBeGreaterThan(0);
    expect(terminated?.ok).toBe(true);
    expect(later).toBeInstanceOf(TransactionNotFoundException);
    expect((later as Error).message).toBe(`Transaction ${transactionId} isn't found. Transaction has been aborted due to an error from a previous call.`);
    expect(fresh.records).toEqual([[{ longValue: 2 }]]);
  });
});
