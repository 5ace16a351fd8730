// What the RDS Data API of Aurora Serverless v2 and provisioned clusters documents, replayed against the local
// endpoint with the real AWS SDK. Sources: the API reference (ExecuteStatement, BatchExecuteStatement,
// SqlParameter.typeHint) and the Aurora User Guide pages data-api.differences ("Comparing ... behaviors") and
// data-api.troubleshooting; docs/DRIVERS.md ("Local peers") lists them.
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RDSDataServiceException,
  RollbackTransactionCommand,
  TransactionNotFoundException,
  UnsupportedResultException,
  type ExecuteStatementCommandInput,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_API_APPLICATION_NAME, startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { DATA_API_ARNS } from '../drivers/helpers';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let endpoint: DataApiEndpoint;
let client: RDSDataClient;
const ARNS = { resourceArn: DATA_API_ARNS.dataApiResourceArn, secretArn: DATA_API_ARNS.dataApiSecretArn };

function execute(input: Omit<ExecuteStatementCommandInput, 'resourceArn' | 'secretArn' | 'database'>) {
  return client.send(new ExecuteStatementCommand({ ...ARNS, database: db.name, ...input }));
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

const items = async () => (await adminQuery<{ id: number }>('SELECT id FROM items ORDER BY id', [], db.name)).map((r) => r.id);

/** The endpoint's backends that are left inside a transaction. */
const idleInTransaction = async () =>
  adminQuery<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND state LIKE 'idle in transaction%'",
    [db.name, DATA_API_APPLICATION_NAME],
  );

beforeAll(async () => {
  db = await createTestDatabase('dataapi_conf');
  endpoint = await startDataApiEndpoint();
  client = new RDSDataClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY)', [], db.name);
});

afterAll(async () => {
  client?.destroy();
  await endpoint?.close();
  await db?.drop();
});

describe('data api conformance: calls without a transactionId', () => {
  it('commits every call on its own: BEGIN / INSERT / ROLLBACK as three calls keep the insert (ExecuteStatement: "committed automatically")', async () => {
    // Act
    await execute({ sql: 'BEGIN' });
    await execute({ sql: 'INSERT INTO items VALUES (1)' });
    const seenByOthers = await items();
    await execute({ sql: 'ROLLBACK' });

    // Assess
    expect(seenByOthers).toEqual([1]);
    expect(await items()).toEqual([1]);
    expect(await idleInTransaction()).toEqual([{ n: 0 }]);
  });
});

describe('data api conformance: transaction ids (troubleshooting, "Transaction <id> isn\'t found")', () => {
  it('answers an id never issued with TransactionNotFoundException (HTTP 404)', async () => {
    // Act
    const error = await failure(execute({ sql: 'SELECT 1', transactionId: 'no-such-transaction' }));

    // Assess
    expect(error).toBeInstanceOf(TransactionNotFoundException);
    expect((error as TransactionNotFoundException).$metadata.httpStatusCode).toBe(404);
    expect((error as Error).message).toBe("Transaction no-such-transaction isn't found. Transaction may be expired.");
  });

  it('aborts a transaction at its first failed statement: later calls and the rollback find no transaction, nothing is kept', async () => {
    // Prepare
    const { transactionId } = await client.send(new BeginTransactionCommand({ ...ARNS, database: db.name }));
    await execute({ sql: 'INSERT INTO items VALUES (10)', transactionId });

    // Act
    const failed = await failure(execute({ sql: 'INSERT INTO items VALUES (10)', transactionId }));
    const next = await failure(execute({ sql: 'SELECT 1', transactionId }));
    const rollback = await failure(client.send(new RollbackTransactionCommand({ ...ARNS, transactionId })));

    // Assess
    expect((failed as Error).name).toBe('DatabaseErrorException');
    expect(next).toBeInstanceOf(TransactionNotFoundException);
    expect((next as Error).message).toBe(`Transaction ${transactionId} isn't found. Transaction has been aborted due to an error from a previous call.`);
    expect(rollback).toBeInstanceOf(TransactionNotFoundException);
    expect(await items()).not.toContain(10);
    expect(await idleInTransaction()).toEqual([{ n: 0 }]);
  });
});

describe('data api conformance: results the service refuses (differences, "ExecuteStatement behavior")', () => {
  it.each([
    ['a multidimensional array', 'SELECT ARRAY[[1,2],[3,4]] AS grid', 'The result contains a multidimensional array'],
    ['regtype', "SELECT 'int4'::regtype AS t", 'The result contains the unsupported data type regtype.'],
    ['regclass', "SELECT 'pg_class'::regclass AS c", 'The result contains the unsupported data type regclass.'],
    ['"char"', "SELECT 'r'::\"char\" AS k", 'The result contains the unsupported data type "CHAR".'],
    ['money (monetary)', 'SELECT 1.5::money AS m', 'The result contains the unsupported data type money.'],
    ['point (geometric)', "SELECT '(1,2)'::point AS p", 'The result contains the unsupported data type point.'],
  ])('refuses %s with UnsupportedResultException; cast to text it is returned', async (_what, sql, message) => {
    // Act
    const error = await failure(execute({ sql }));
    const asText = await execute({ sql: `SELECT (${sql.replace(/^SELECT /, '').replace(/ AS \w+$/, '')})::text AS v` });

    // Assess
    expect(error).toBeInstanceOf(UnsupportedResultException);
    expect((error as Error).message).toBe(message);
    expect(asText.records?.[0]?.[0]?.stringValue).toEqual(expect.any(String));
  });
});

describe('data api conformance: type hints (SqlParameter.typeHint)', () => {
  it.each([
    ['TIMESTAMP', '2024-05-06T07:08:09Z'],
    ['TIMESTAMP', '2024-05-06T07:08:09.123+02:00'],
    ['TIMESTAMP', '2024-05-06 07:08:09.123456'],
    ['DATE', '2024-05-06T00:00:00Z'],
    ['TIME', '07:08:09Z'],
  ])('refuses %s %s (only YYYY-MM-DD HH:MM:SS[.FFF], YYYY-MM-DD, HH:MM:SS[.FFF])', async (typeHint, value) => {
    // Act
    const error = await failure(execute({ sql: 'SELECT :v AS v', parameters: [{ name: 'v', value: { stringValue: value }, typeHint: typeHint as 'DATE' }] }));

    // Assess
    expect(error).toBeInstanceOf(RDSDataServiceException);
    expect((error as Error).message).toContain(`${typeHint} format`);
  });

  it('accepts the documented forms', async () => {
    // Act
    const result = await execute({
      sql: 'SELECT :ts AS ts, :d AS d, :t AS t',
      parameters: [
        { name: 'ts', value: { stringValue: '2024-05-06 07:08:09.123' }, typeHint: 'TIMESTAMP' },
        { name: 'd', value: { stringValue: '2024-05-06' }, typeHint: 'DATE' },
        { name: 't', value: { stringValue: '07:08:09' }, typeHint: 'TIME' },
      ],
    });

    // Assess
    expect(result.records?.[0]).toEqual([{ stringValue: '2024-05-06 07:08:09.123' }, { stringValue: '2024-05-06' }, { stringValue: '07:08:09' }]);
  });
});

describe('data api conformance: refused calls and response members', () => {
  it('refuses the schema parameter with ValidationException (differences, "Schema parameter behavior")', async () => {
    // Act
    const error = await failure(execute({ sql: 'SELECT 1', schema: 'public' }));

    // Assess
    expect((error as RDSDataServiceException).name).toBe('ValidationException');
    expect((error as Error).message).toBe("The schema parameter isn't supported");
    expect((error as RDSDataServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('refuses several statements in one call with ValidationException, before running any (differences, "Multistatement support")', async () => {
    // Act
    const error = await failure(execute({ sql: 'INSERT INTO items VALUES (20); INSERT INTO items VALUES (21)' }));
    const trailing = await execute({ sql: "SELECT 'a;b' AS s; -- one statement" });

    // Assess
    expect((error as RDSDataServiceException).name).toBe('ValidationException');
    expect((error as Error).message).toBe("Multistatements aren't supported.");
    expect(await items()).not.toContain(20);
    expect(trailing.records).toEqual([[{ stringValue: 'a;b' }]]);
  });

  it('sends generatedFields empty on DML and not at all with a result set (ExecuteStatementResponse: not supported by Aurora PostgreSQL)', async () => {
    // Act
    const insert = await execute({ sql: 'INSERT INTO items VALUES (30)' });
    const select = await execute({ sql: 'SELECT id FROM items WHERE id = 30' });

    // Assess
    expect(insert.generatedFields).toEqual([]);
    expect(select.generatedFields).toBeUndefined();
  });

  it('runs BatchExecuteStatement once per parameter set: none without sets, once with one empty set (BatchExecuteStatement)', async () => {
    // Act
    const none = await client.send(new BatchExecuteStatementCommand({ ...ARNS, database: db.name, sql: 'INSERT INTO items VALUES (40)' }));
    const before = await items();
    const once = await client.send(new BatchExecuteStatementCommand({ ...ARNS, database: db.name, sql: 'INSERT INTO items VALUES (40)', parameterSets: [[]] }));

    // Assess
    expect(none.updateResults).toEqual([]);
    expect(before).not.toContain(40);
    expect(once.updateResults).toEqual([{ generatedFields: [] }]);
    expect(await items()).toContain(40);
  });
});
