import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, DeadlineExceededError, type Database } from '../../lib/db';
import { deadlineOf, withSession } from '../../lib/lambda';
import { createTestDatabase, eventually, type TestDatabase } from '../support/postgres';

function lambdaContext(remainingMs: number): Context {
  const end = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    memoryLimitInMB: '128',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('withSession', () => {
  let tdb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase('lambda');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName });
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it('derives the deadline from the remaining time minus the margin', () => {
    // Prepare
    const ctx = { getRemainingTimeInMillis: () => 3_000 };
    // Act
    const deadline = deadlineOf(ctx, 1_000, 10_000);
    // Assess
    expect(deadline).toBe(12_000);
  });

  it('runs the handler in a session and keeps the plain Lambda signature', async () => {
    // Prepare
    const handler = withSession(db, async (event: { n: number }, _ctx, session) => {
      const { rows } = await session.query<{ v: number }>('SELECT $1::int + 1 AS v', [event.n]);
      return rows[0]!.v;
    }, { name: 'add-one' });
    // Act
    const result = await handler({ n: 41 }, lambdaContext(5_000));
    // Assess
    expect(result).toBe(42);
    expect(handler.length).toBe(2);
  });

  it('stops work at the invocation deadline and leaves nothing running', async () => {
    // Prepare: 1.5 s left, 1 s margin: the session has about 0.5 s.
    const handler = withSession(db, (_e: unknown, _c, session) => session.transaction((tx) => tx.query('SELECT pg_sleep(5)')), {
      name: 'sleepy',
      marginMs: 1_000,
    });
    // Act
    const outcome = await handler({}, lambdaContext(1_500)).catch((e: unknown) => e);
    // Assess
    expect(outcome).toBeInstanceOf(DeadlineExceededError);
    const left = await eventually(() => tdb.connections(), (rows) => rows.every((r) => r.state !== 'active' && r.state !== 'idle in transaction'));
    expect(left.filter((r) => r.state === 'active' || r.state === 'idle in transaction')).toEqual([]);
  });
});
