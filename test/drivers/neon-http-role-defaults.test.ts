// neon-http: with role defaults equal to the configured timeouts, a batch carries no set_config statement and the
// limits are still in force; otherwise, or when a deadline lowers one, the statement goes first in the batch.
import { neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { StatementTimeoutError, type Database } from '../../lib/db';
import type { TestDatabase } from '../support/postgres';
import { settingMs, withAndWithoutRoleTimeouts } from '../support/role-timeouts';
import { failure, neonHttpDatabase } from './helpers';

const LIMITS = { statementMs: 1_500, lockMs: 700 };
const CONFIG = { statementTimeoutMs: 1_500, lockTimeoutMs: 700 };
const SHOW = "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt";
const INSERT = 'INSERT INTO items VALUES ($1)';

type Settings = { st: string; lt: string };

let withDefaults: TestDatabase;
let plain: TestDatabase;
let endpoint: NeonHttpEndpoint;
const opened: Database[] = [];
/** The statements of every request the library sent (its fetchFunction hook, around the real fetch). */
const sent: string[][] = [];
const savedFetch = neonConfig.fetchFunction;

beforeAll(async () => {
  // Before the endpoint's first connection to either database.
  ({ withDefaults, plain } = await withAndWithoutRoleTimeouts('neonhttp', LIMITS, 'CREATE TABLE items (id int PRIMARY KEY)'));
  endpoint = await startNeonHttpEndpoint();
  neonConfig.fetchFunction = (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { query?: string; queries?: { query: string }[] };
    sent.push(body.queries ? body.queries.map((q) => q.query) : [body.query ?? '']);
    return fetch(url, init);
  };
});

afterAll(async () => {
  neonConfig.fetchFunction = savedFetch;
  await Promise.all(opened.map((db) => db.close()));
  await endpoint?.close();
  await withDefaults?.drop();
  await plain?.drop();
});

function open(tdb: TestDatabase, config: Partial<typeof CONFIG> = {}): Database {
  const db = neonHttpDatabase(tdb, endpoint, { ...CONFIG, ...config });
  opened.push(db);
  return db;
}

/** The statements of the requests sent while `work` ran, and what it returned. */
async function recorded<T>(work: () => Promise<T>): Promise<{ requests: string[][]; value: T }> {
  const from = sent.length;
  const value = await work();
  return { requests: sent.slice(from), value };
}

let nextId = 1;
const write = (db: Database) => db.session((s) => s.batch([{ text: INSERT, params: [nextId++] }]));
const settingsIn = (db: Database, timeoutMs?: number) => db.session(async (s) => (await s.batch<Settings>([{ text: SHOW }], { timeoutMs }))[0]!.rows[0]!);
const setConfig = (statement: string) => statement.includes('set_config(');

describe('neon-http timeouts from role defaults', () => {
  it('sends a batch without set_config when the role defaults equal the configured timeouts, with the limits in force', async () => {
    // Prepare
    const db = open(withDefaults);

    // Act: the first batch learns the defaults in its own set_config statement; the next ones need none.
    const first = await recorded(() => write(db));
    const second = await recorded(() => write(db));
    const inside = await recorded(() => settingsIn(db));
    const slow = await recorded(() => failure(db.session((s) => s.batch([{ text: 'SELECT pg_sleep(5)' }]))));

    // Assess: one request each, only the caller's statements; the server still cancels at the role's statement_timeout
    // (the batch's own limit is 15 s, so without it the sleep would have succeeded).
    expect(first.requests).toHaveLength(1);
    expect(first.requests[0]!.map(setConfig)).toEqual([true, false]);
    expect(first.value).toEqual([{ rows: [], rowCount: 1 }]);
    expect(second.requests).toEqual([[INSERT]]);
    expect(inside.requests).toEqual([[SHOW]]);
    expect(parsed(inside.value)).toEqual(LIMITS);
    expect(slow.requests).toEqual([['SELECT pg_sleep(5)']]);
    // The server's statement limit (not the batch's 15 s) ended it: a statement timeout, with the server's code.
    expect(slow.value).toBeInstanceOf(StatementTimeoutError);
    expect((slow.value as StatementTimeoutError).sqlstate).toBe('57014');
  });

  it('still sends the lower value when a deadline clamps a limit below the role default', async () => {
    // Prepare
    const db = open(withDefaults);
    await write(db);

    // Act: a 1 s batch, below the 1.5 s statement limit (the 700 ms lock limit stays).
    const clamped = await recorded(() => settingsIn(db, 1_000));

    // Assess: only the lowered limit is set.
    const [timeouts, show] = clamped.requests[0]!;
    expect(show).toBe(SHOW);
    expect(timeouts).toContain("set_config('statement_timeout'");
    expect(timeouts).not.toContain('lock_timeout');
    expect(parsed(clamped.value).statementMs).toBeLessThanOrEqual(1_000);
    expect(parsed(clamped.value).lockMs).toBe(LIMITS.lockMs);
  });

  it('sends set_config as before when the role defaults differ from the configuration', async () => {
    // Prepare: the role gives 1.5 s, this database is configured for 1.2 s.
    const db = open(withDefaults, { statementTimeoutMs: 1_200 });
    await write(db);

    // Act
    const inside = await recorded(() => settingsIn(db));

    // Assess
    expect(inside.requests[0]!.map(setConfig)).toEqual([true, false]);
    expect(parsed(inside.value)).toEqual({ ...LIMITS, statementMs: 1_200 });
  });

  it('sends set_config in every batch when the role has no defaults, and leaves nothing behind', async () => {
    // Prepare
    const db = open(plain);
    await write(db);

    // Act
    const next = await recorded(() => write(db));
    const inside = await recorded(() => settingsIn(db));
    const outside = await db.session((s) => s.query<Settings>(SHOW));

    // Assess: the limits are transaction-local; the session defaults stay PostgreSQL's (off).
    expect(next.requests[0]!.map(setConfig)).toEqual([true, false]);
    expect(parsed(inside.value)).toEqual(LIMITS);
    expect(outside.rows[0]).toEqual({ st: '0', lt: '0' });
  });
});

function parsed(s: Settings): typeof LIMITS {
  return { statementMs: settingMs(s.st), lockMs: settingMs(s.lt) };
}
