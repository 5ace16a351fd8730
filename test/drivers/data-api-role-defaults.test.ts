// data-api: with role defaults equal to the configured timeouts, a transaction sends no set_config call (3 API calls
// for a one-statement write) and the limits are still in force; otherwise, or when a deadline lowers one, it is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { StatementTimeoutError, type Database } from '../../lib/db';
import type { TestDatabase } from '../support/postgres';
import { settingMs, withAndWithoutRoleTimeouts } from '../support/role-timeouts';
import { dataApiDatabase, failure } from './helpers';

const LIMITS = { statementMs: 1_500, lockMs: 700, idleInTransactionMs: 5_000 };
const CONFIG = { statementTimeoutMs: 1_500, lockTimeoutMs: 700, idleInTransactionTimeoutMs: 5_000 };
const SHOW =
  "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it";

type Settings = { st: string; lt: string; it: string };

let withDefaults: TestDatabase;
let plain: TestDatabase;
let endpoint: DataApiEndpoint;
const opened: Database[] = [];

beforeAll(async () => {
  // Before the endpoint's first connection to either database.
  ({ withDefaults, plain } = await withAndWithoutRoleTimeouts('dataapi', LIMITS, 'CREATE TABLE items (id int PRIMARY KEY)'));
  endpoint = await startDataApiEndpoint();
});

afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
  await endpoint?.close();
  await withDefaults?.drop();
  await plain?.drop();
});

function open(tdb: TestDatabase, config: Partial<typeof CONFIG> = {}): Database {
  const db = dataApiDatabase(tdb, endpoint, { ...CONFIG, ...config });
  opened.push(db);
  return db;
}

/** API calls the endpoint received while `work` ran, and what it returned. */
async function counted<T>(work: () => Promise<T>): Promise<{ calls: number; value: T }> {
  const before = endpoint.requests();
  const value = await work();
  return { calls: endpoint.requests() - before, value };
}

let nextId = 1;
const write = (db: Database) => db.session((s) => s.transaction((tx) => tx.query('INSERT INTO items VALUES ($1)', [nextId++])));
const settingsIn = (db: Database, timeoutMs?: number) =>
  db.session((s) => s.transaction(async (tx) => (await tx.query<Settings>(SHOW)).rows[0]!, { timeoutMs }));

describe('data-api timeouts from role defaults', () => {
  it('makes a write 3 API calls when the role defaults equal the configured timeouts, with the limits in force', async () => {
    // Prepare
    const db = open(withDefaults);

    // Act: the first transaction learns the defaults in its own set_config call; the next ones need none.
    const first = await counted(() => write(db));
    const second = await counted(() => write(db));
    const inside = await counted(() => settingsIn(db));
    const slow = await counted(() => failure(db.session((s) => s.transaction((tx) => tx.query('SELECT pg_sleep(5)')))));

    // Assess: BeginTransaction, INSERT, CommitTransaction; the server still cancels at the role's statement_timeout.
    expect(first.calls).toBe(4);
    expect(second.calls).toBe(3);
    expect(inside.calls).toBe(3);
    expect(parsed(inside.value)).toEqual(LIMITS);
    expect(slow.calls).toBe(3);
    expect(slow.value).toBeInstanceOf(StatementTimeoutError);
    expect((slow.value as StatementTimeoutError).sqlstate).toBe('57014');
  });

  it('still sends the lower value when a deadline clamps a limit below the role default', async () => {
    // Prepare
    const db = open(withDefaults);
    await write(db);

    // Act: a 1 s transaction, below the 1.5 s statement and 5 s idle limits (the 700 ms lock limit stays).
    const clamped = await counted(() => settingsIn(db, 1_000));

    // Assess
    expect(clamped.calls).toBe(4);
    const got = parsed(clamped.value);
    expect(got.statementMs).toBeLessThanOrEqual(1_000);
    expect(got.idleInTransactionMs).toBeLessThanOrEqual(1_000);
    expect(got.lockMs).toBe(LIMITS.lockMs);
  });

  it('sends set_config as before when the role defaults differ from the configuration', async () => {
    // Prepare: the role gives 1.5 s, this database is configured for 1.2 s.
    const db = open(withDefaults, { statementTimeoutMs: 1_200 });
    await write(db);

    // Act
    const next = await counted(() => write(db));
    const inside = await counted(() => settingsIn(db));

    // Assess
    expect(next.calls).toBe(4);
    expect(inside.calls).toBe(4);
    expect(parsed(inside.value)).toEqual({ ...LIMITS, statementMs: 1_200 });
  });

  it('sends set_config in every transaction when the role has no defaults, and leaves nothing behind', async () => {
    // Prepare
    const db = open(plain);
    await write(db);

    // Act
    const next = await counted(() => write(db));
    const inside = await counted(() => settingsIn(db));
    const outside = await db.session((s) => s.query<Settings>(SHOW));

    // Assess: the limits are transaction-local; the session defaults stay PostgreSQL's (off).
    expect(next.calls).toBe(4);
    expect(inside.calls).toBe(4);
    expect(parsed(inside.value)).toEqual(LIMITS);
    expect(outside.rows[0]).toEqual({ st: '0', lt: '0', it: '0' });
  });
});

function parsed(s: Settings): typeof LIMITS {
  return { statementMs: settingMs(s.st), lockMs: settingMs(s.lt), idleInTransactionMs: settingMs(s.it) };
}
