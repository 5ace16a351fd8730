// The work both sides do: one read, and a short write transaction of one INSERT.
import { NUMERIC_SETTINGS, type Database } from '../../lib/db';
import type { Call } from './target';

export const INSERT = 'INSERT INTO bench_items (v) VALUES ($1)';
export const CREATE_TABLE = 'CREATE TABLE bench_items (id bigserial PRIMARY KEY, v integer NOT NULL)';
/** The server-side timeouts a transaction of the layer sets, at their defaults (what the layer sends, unclamped). */
export const DEFAULT_TIMEOUTS = {
  statementMs: NUMERIC_SETTINGS.statementTimeoutMs.default,
  lockMs: NUMERIC_SETTINGS.lockTimeoutMs.default,
  idleInTransactionMs: NUMERIC_SETTINGS.idleInTransactionTimeoutMs.default,
};
/** The layer's BEGIN on the PostgreSQL-protocol drivers: the timeouts as SET LOCAL in the same round trip. */
export const LAYER_BEGIN =
  `BEGIN; SET LOCAL statement_timeout = ${DEFAULT_TIMEOUTS.statementMs}` +
  `; SET LOCAL lock_timeout = ${DEFAULT_TIMEOUTS.lockMs}` +
  `; SET LOCAL idle_in_transaction_session_timeout = ${DEFAULT_TIMEOUTS.idleInTransactionMs}`;
/** One statement + BEGIN + COMMIT, on drivers that speak the PostgreSQL protocol. */
export const STATEMENTS_PLUS_TWO = 3;

export const layerRead = (db: Database): Call => () => db.session((s) => s.query('SELECT 1'));
export const layerWrite = (db: Database): Call => () => db.session((s) => s.transaction((tx) => tx.query(INSERT, [1])));

/** What pg.Pool and @neondatabase/serverless's Pool (a bundled pg.Pool) both offer. */
type PgLikePool = {
  query(text: string, params?: unknown[]): Promise<unknown>;
  connect(): Promise<{ query(text: string, params?: unknown[]): Promise<unknown>; release(err?: Error | boolean): void }>;
};

export const rawRead = (pool: PgLikePool): Call => () => pool.query('SELECT 1');

/** BEGIN; INSERT; COMMIT on one client of the raw pool, as an application without the layer writes it. */
export const rawWrite = (pool: PgLikePool, begin = 'BEGIN'): Call => async () => {
  const client = await pool.connect();
  try {
    await client.query(begin);
    await client.query(INSERT, [1]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
};
