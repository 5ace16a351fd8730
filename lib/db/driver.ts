// The one interface every driver fills in. Pool, session, transaction, timeouts and errors live once,
// above it; a driver only knows how to open a connection and run text on it.
import type { BeginOptions } from './timeouts';

export type RowMode = 'object' | 'array';

export type QueryOptions = {
  rowMode: RowMode;
  /** Return timestamp/date/interval values as the server's text (what drizzle's column mappers expect). */
  rawTemporal: boolean;
  /** Several ';'-separated statements in one simple-protocol round trip (no parameters, no rows). */
  simple?: boolean;
};

/** How rows come back (query() and pipeline()). */
export type RowOptions = Pick<QueryOptions, 'rowMode' | 'rawTemporal'>;

export type QueryResult = {
  rows: unknown[];
  rowCount: number | null;
};

/** The result of a statement that returns nothing (BEGIN, COMMIT, a driver's transaction call). */
export const NO_ROWS: QueryResult = { rows: [], rowCount: null };

/** One statement of a batch (session.batch): sent together, atomically. */
export type BatchStatement = { text: string; params?: readonly unknown[] };

/** The server's transaction status after the last statement (ReadyForQuery: 'I', 'T', 'E'). */
export type TransactionStatus = 'idle' | 'transaction' | 'failed';

/**
 * Statements sent in one network write, answered in one round trip (drivers/pg/pipeline.ts): BEGIN with its
 * settings (when `begin` is given), each statement unnamed on the extended protocol (so one SQL command per text),
 * COMMIT (when `commit` is set), one Sync.
 * - `begin` + `commit`: an atomic unit (session.batch). On failure nothing of it remains and the driver has ended
 *   the failed transaction block itself (ROLLBACK, one more round trip, only when the server left one open): the
 *   call settles with the connection idle, or dead.
 * - `begin` alone: BEGIN riding with the first statement(s) of an interactive transaction, left open. On failure the
 *   transaction is left as the server left it (failed, or never begun when `failedAt.part` is 'begin'): the caller
 *   rolls back as after any failed statement.
 * - neither: statements inside a transaction already open, in one round trip.
 * The error is typed as query() types it, with `failedAt` naming the step that failed.
 */
export type PipelineUnit = {
  begin?: BeginOptions;
  statements: readonly BatchStatement[];
  commit?: boolean;
};

export interface DriverConnection {
  /** Monotonic id, for logs and leak reports. */
  readonly id: number;
  /** False once the driver has seen the connection die (socket end/error, FATAL from the server). */
  readonly alive: boolean;
  /**
   * Optional: the server's transaction status as of the last statement, for drivers that keep a server session
   * (pg, neon-ws: every ReadyForQuery; PGlite: the embedded backend). The pool never pools a connection that is not
   * idle. HTTP drivers have none: nothing is held between their requests.
   */
  readonly transactionStatus?: TransactionStatus;
  /** Optional: the statement that took the connection out of 'idle' (its fingerprint is logged when it leaks). */
  readonly transactionOpenedBy?: string;
  /** Runs one statement (extended protocol where the driver has one). */
  query(text: string, params: readonly unknown[] | undefined, options: QueryOptions): Promise<QueryResult>;
  /** Runs several ';'-separated statements in one round trip (simple protocol); used for BEGIN + SET LOCAL. */
  exec(text: string): Promise<void>;
  /** Best-effort cancel of the statement running now (PostgreSQL cancel request). */
  cancel(): Promise<void>;
  /** Closes the connection hard, without waiting for the server. Idempotent. */
  destroy(): void;
  /** Called once when the driver sees the connection die while idle or busy. */
  onDead(listener: (err: unknown) => void): void;
  /**
   * Optional: drivers whose transactions are API calls rather than SQL (the Data API) start, commit and roll back
   * through these; the others get BEGIN (with its SET LOCALs) via exec(), COMMIT and ROLLBACK as statements.
   */
  begin?(options: BeginOptions): Promise<void>;
  commit?(): Promise<void>;
  rollback?(): Promise<void>;
  /**
   * Optional: a PipelineUnit in one round trip (pg, neon-ws). Results in statement order, one per statement, shaped
   * as query() shapes them. Drivers without it run units statement by statement (or, neon-http, with batch()).
   */
  pipeline?(unit: PipelineUnit, options: RowOptions): Promise<QueryResult[]>;
  /** Optional: drivers without interactive transactions (neon-http) run a whole batch atomically in one request. */
  batch?(statements: readonly BatchStatement[], options: BeginOptions & QueryOptions): Promise<QueryResult[]>;
}

/** What the driver can do; the core refuses what a driver cannot, at configuration time where possible. */
export type DriverCapabilities = {
  /** BEGIN ... COMMIT over several round trips on one connection. */
  interactiveTransactions: boolean;
  savepoints: boolean;
  /** Several independent connections (false: one embedded instance). */
  concurrentConnections: boolean;
  /** Server-side timeouts can be set per transaction with SET LOCAL in the BEGIN round trip. */
  setLocalTimeouts: boolean;
  /** The server enforces statement_timeout / lock_timeout (false for the embedded, single-threaded PGlite). */
  serverEnforcedTimeouts: boolean;
  /** The configured timeouts are the connection's own (startup parameters): SET LOCAL only when a deadline lowers one. */
  startupTimeouts?: boolean;
  /** No server connection is held between requests (HTTP drivers): nothing to validate after idle. */
  stateless?: boolean;
  /** Errors carry constraint, table and column names (false: the Data API reports a message and a SQLSTATE only). */
  errorDetails?: boolean;
};

/** What a driver's own module implements: opening connections (drivers/<name>/driver.ts). */
export interface DriverImplementation {
  readonly name: string;
  /** Opens one connection; must settle within timeoutMs (ConnectTimeoutError) and never leave a socket behind. */
  connect(timeoutMs: number): Promise<DriverConnection>;
  /** Releases driver-wide resources (the embedded instance, agents). */
  close(): Promise<void>;
}

/**
 * The driver the core sees: an implementation plus its capabilities, which are declared apart
 * (drivers/capabilities.ts) so they are known before the implementation is loaded (drivers/lazy.ts).
 */
export interface Driver extends DriverImplementation {
  readonly capabilities: DriverCapabilities;
}
