// Every error class of the database layer maps to its status; nothing raw (stack, SQL, secret) reaches the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoute, RETRY_AFTER_SECONDS } from '../../lib/api';
import {
  BadInputError,
  ConnectionFailedError,
  ConnectionLostError,
  ConstraintViolationError,
  createDatabase,
  DeadlineExceededError,
  PoolExhaustedError,
  QueryError,
  StatementTimeoutError,
  TooManyConnectionsError,
  TransactionTimeoutError,
} from '../../lib/db';
import { invoke } from '../support/apigw';

const db = createDatabase(); // PGlite in memory: the session is real, the error comes from the handler
// The WASM start-up (seconds on a busy machine) happens here, not inside a request's 10 s budget.
beforeAll(() => db.session((s) => s.query('SELECT 1')));
afterAll(() => db.close());

const ROUTE = 'GET /miners';
const routeThrowing = (err: unknown) => httpRoute({ route: ROUTE, db }, async () => Promise.reject(err));

describe('database errors -> responses', () => {
  it.each([
    ['PoolExhaustedError', new PoolExhaustedError('pool exhausted after 5000 ms')],
    ['ConnectionLostError', new ConnectionLostError('terminating connection due to administrator command')],
    ['ConnectionFailedError', new ConnectionFailedError('connect ECONNREFUSED 127.0.0.1:5432')],
    ['TooManyConnectionsError', new TooManyConnectionsError('sorry, too many clients already')],
  ])('%s -> 503 with Retry-After', async (_name, err) => {
    // Act
    const res = await invoke(routeThrowing(err), ROUTE);
    // Assess
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.json.error.code).toBe('UNAVAILABLE');
  });

  it.each([
    ['DeadlineExceededError', new DeadlineExceededError('session deadline passed')],
    ['TransactionTimeoutError', new TransactionTimeoutError('transaction exceeded 10 ms')],
    ['StatementTimeoutError', new StatementTimeoutError('canceling statement due to statement timeout')],
  ])('%s -> 504', async (_name, err) => {
    const res = await invoke(routeThrowing(err), ROUTE);
    expect(res.status).toBe(504);
    expect(res.json.error.code).toBe('TIMEOUT');
  });

  it('ConstraintViolationError -> 409 naming the constraint, not the SQL', async () => {
    // Prepare
    const err = new ConstraintViolationError('unique', 'duplicate key value violates unique constraint "miners_hotkey_key"', {
      constraint: 'miners_hotkey_key',
    });
    // Act
    const res = await invoke(routeThrowing(err), ROUTE);
    // Assess
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('miners_hotkey_key');
    expect(res.json.error.message).not.toContain('duplicate key');
  });

  it('BadInputError -> 422', async () => {
    const res = await invoke(routeThrowing(new BadInputError('invalid input syntax for type integer: "x"', { sqlstate: '22P02' })), ROUTE);
    expect(res.status).toBe(422);
    expect(res.json.error.message).not.toContain('invalid input syntax');
  });

  it('anything else -> 500 with a generic message and the request id, nothing raw', async () => {
    // Prepare: an error whose text carries SQL and a secret, as a careless lower layer might produce.
    const err = new QueryError('syntax error at or near "SELEC" in SELECT password FROM users -- s3cr3t-pw');
    // Act
    const res = await invoke(routeThrowing(err), ROUTE);
    // Assess
    expect(res.status).toBe(500);
    const text = JSON.stringify(res.json);
    expect(text).not.toMatch(/SELEC|s3cr3t|password|at .*\.ts/);
    expect(res.json.error.requestId).toBe(res.requestId);
    expect(res.json.error.message).toContain(res.requestId);
  });

  it('a non-Error throw is a 500 too', async () => {
    const res = await invoke(routeThrowing('plain string'), ROUTE);
    expect(res.status).toBe(500);
  });

  it('every response carries the request id header, success included', async () => {
    // Prepare
    const handler = httpRoute({ route: ROUTE, db }, async ({ session }) => {
      const { rows } = await session.query<{ one: number }>('SELECT 1 AS one');
      return { status: 200, body: rows[0] };
    });
    // Act
    const ok = await invoke(handler, ROUTE);
    const failed = await invoke(routeThrowing(new Error('x')), ROUTE);
    // Assess
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ one: 1 });
    expect(ok.headers['x-request-id']).toBe(ok.requestId);
    expect(failed.headers['x-request-id']).toBe(failed.requestId);
  });
});
