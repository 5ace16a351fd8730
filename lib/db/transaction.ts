// One short atomic unit on one connection: BEGIN (with its timeouts) in one round trip, COMMIT or ROLLBACK,
// nested calls as savepoints. The connection is destroyed, not returned, when its state is unknown.
import { TransactionRollbackError } from 'drizzle-orm';
import type { Core } from './core';
import { drizzleTransactionOver, type TransactionDb } from './drizzle';
import { NO_ROWS, type QueryResult } from './driver';
import { DbError, QueryError, SessionClosedError, UnsupportedError, isClientTimeout } from './errors';
import type { Lease } from './pool';
import type { StatementGuard, StatementRunner, StatementTally } from './statement';


export type TransactionState = 'open' | 'committed' | 'rolled back' | 'aborted';

export type TransactionCallback<T, S extends Record<string, unknown>> = (tx: Transaction<S>) => Promise<T>;

/** Shared by a transaction and its savepoints. */
type Unit = {
  core: Core;
  runner: StatementRunner;
  lease: Lease;
  deadlineAt: number;
  guard: StatementGuard;
  tally: StatementTally;
  state: TransactionState;
  /** Why the unit was aborted (timeout, deadline, leak repair); later calls raise it. */
  abortError: DbError | undefined;
  /** Depth at which a statement failed (or tx.rollback() was called) and nothing rolled back to a savepoint since. */
  failedDepth: number | undefined;
  failure: DbError | TransactionRollbackError | undefined;
  savepoints: number;
  /** A statement left session state (direct profile): the connection is closed at release, not pooled. */
  retire: boolean;
};

export class Transaction<S extends Record<string, unknown> = Record<string, never>> {
  private drizzleDb: TransactionDb<S> | undefined;

  /** @internal */
  constructor(
    private readonly unit: Unit,
    readonly depth: number,
  ) {}

  /** @internal */
  static open<S extends Record<string, unknown>>(init: Omit<Unit, 'state' | 'abortError' | 'failedDepth' | 'failure' | 'savepoints' | 'retire'>): Transaction<S> {
    // Spread last: `{ ...init, a, b, ... }` (spread, then properties) took ~8 us per call on Node 20's V8, a third of
    // the layer's own CPU per transaction (see bench/db.ts); `init` has none of these keys, so the object is the same.
    return new Transaction<S>({ state: 'open', abortError: undefined, failedDepth: undefined, failure: undefined, savepoints: 0, retire: false, ...init }, 0);
  }

  get state(): TransactionState {
    return this.unit.state;
  }

  /** @internal A statement left session state behind: the connection must be closed, not pooled. */
  get retiresConnection(): boolean {
    return this.unit.retire;
  }

  /** Milliseconds left before this transaction's deadline. */
  get remainingMs(): number {
    return Math.max(0, this.unit.deadlineAt - Date.now());
  }

  async query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    const res = await this.statement(text, params, 'object', false);
    return { rows: res.rows as R[], rowCount: res.rowCount };
  }

  /**
   * drizzle on this transaction's connection, as drizzle's own transaction object: `db.transaction(fn)` is a
   * savepoint (as `tx.transaction(fn)`), `db.rollback()` is `tx.rollback()`.
   */
  get db(): TransactionDb<S> {
    this.drizzleDb ??= drizzleTransactionOver<S>(this.unit.core.schema as S | undefined, (text, params, mode) => this.statement(text, params, mode, true), {
      depth: this.depth,
      rollback: () => this.rollback(),
      transaction: (fn) => this.transaction((inner) => fn(inner.db)),
    });
    return this.drizzleDb;
  }

  /**
   * Rolls back, the drizzle way: throws drizzle's TransactionRollbackError, which the transaction (or, nested, this
   * savepoint) rolls back on and rejects with. Nothing of it is kept, even if the callback catches the error: a
   * transaction whose rollback was asked for never commits.
   */
  rollback(): never {
    const u = this.unit;
    const err = new TransactionRollbackError();
    if (u.failedDepth === undefined || u.failedDepth > this.depth) {
      u.failedDepth = this.depth;
      u.failure = err;
    }
    throw err;
  }

  /** A nested unit: SAVEPOINT, then RELEASE on resolve or ROLLBACK TO on throw. Options of their own are refused. */
  async transaction<T>(fn: TransactionCallback<T, S>, options?: Record<string, unknown>): Promise<T> {
    if (options && Object.keys(options).length > 0) {
      throw new UnsupportedError('a nested transaction is a savepoint of its parent: isolation, readOnly, timeoutMs and retry are set on the outermost transaction only');
    }
    if (!this.unit.core.driver.capabilities.savepoints) {
      throw new UnsupportedError(`driver "${this.unit.core.driver.name}" has no savepoints: nested transactions are refused`);
    }
    const name = `sp_${++this.unit.savepoints}`;
    await this.execute(`SAVEPOINT ${name}`, undefined, 'object', false);
    const child = new Transaction<S>(this.unit, this.depth + 1);
    try {
      const result = await fn(child);
      this.throwIfFailedAt(this.depth + 1);
      await this.execute(`RELEASE SAVEPOINT ${name}`, undefined, 'object', false);
      return result;
    } catch (err) {
      if (this.unit.state === 'open' && this.unit.lease.conn.alive) {
        await this.execute(`ROLLBACK TO SAVEPOINT ${name}`, undefined, 'object', false);
        // The savepoint undid the failure: the parent may go on.
        if (this.unit.failedDepth !== undefined && this.unit.failedDepth > this.depth) {
          this.unit.failedDepth = undefined;
          this.unit.failure = undefined;
        }
      }
      throw err;
    }
  }

  /** A caller's statement: refused when it would end the transaction or outlive it (statement-rules.ts). */
  private statement(text: string, params: readonly unknown[] | undefined, rowMode: 'object' | 'array', rawTemporal: boolean): Promise<QueryResult> {
    if (this.unit.core.statements.admit('transaction', text)) this.unit.retire = true;
    return this.execute(text, params, rowMode, rawTemporal);
  }

  /** @internal `call` replaces the statement by a driver call (the Data API's CommitTransaction). */
  async execute(
    text: string,
    params: readonly unknown[] | undefined,
    rowMode: 'object' | 'array',
    rawTemporal: boolean,
    call?: () => Promise<QueryResult>,
  ): Promise<QueryResult> {
    const u = this.unit;
    if (u.state !== 'open') throw u.abortError ?? new SessionClosedError(`transaction already ${u.state}: a statement ran after it ended (missing await?)`);
    try {
      return call
        ? await u.runner.runWith(u.lease.conn, text, call, u.guard, u.tally)
        : await u.runner.run(u.lease.conn, text, params, { rowMode, rawTemporal }, u.guard, u.tally);
    } catch (err) {
      if (u.abortError) throw u.abortError;
      const e = err instanceof DbError ? err : new QueryError(String(err));
      if (isClientTimeout(e)) {
        // The guard already cancelled and is destroying the connection: the unit cannot go on.
        u.state = 'aborted';
        u.abortError = e;
      }
      if (u.failedDepth === undefined) {
        u.failedDepth = this.depth;
        u.failure = e;
      }
      throw e;
    }
  }

  /** @internal Commits, or rolls back if a statement failed (or rollback() was called) and the callback went on. */
  async commitUnit(): Promise<void> {
    this.throwIfFailedAt(0);
    const conn = this.unit.lease.conn;
    await this.execute('COMMIT', undefined, 'object', false, conn.commit && (() => conn.commit!().then(() => NO_ROWS)));
    this.unit.state = 'committed';
  }

  /** @internal Rolls the unit back; false when it could not (the connection must then be destroyed). */
  async rollbackUnit(): Promise<boolean> {
    const u = this.unit;
    if (u.state !== 'open' || !u.lease.conn.alive) return false;
    const conn = u.lease.conn;
    try {
      if (conn.rollback) await u.runner.runWith(conn, 'ROLLBACK', () => conn.rollback!(), u.guard, u.tally);
      else await u.runner.run(conn, 'ROLLBACK', undefined, { rowMode: 'array', rawTemporal: false, simple: true }, u.guard, u.tally);
      u.state = 'rolled back';
      return true;
    } catch {
      return false;
    }
  }

  /** @internal Ends the unit at once (timeout, deadline, leak): cancel, then destroy the connection. */
  abort(error: DbError): void {
    const u = this.unit;
    if (u.state !== 'open') return;
    u.state = 'aborted';
    u.abortError = error;
    const conn = u.lease.conn;
    void conn.cancel().finally(() => conn.destroy());
  }

  private throwIfFailedAt(depth: number): void {
    const u = this.unit;
    if (u.failedDepth !== undefined && u.failedDepth >= depth && u.failure) {
      if (u.failure instanceof TransactionRollbackError) throw u.failure;
      throw new QueryError(
        `transaction cannot commit: a statement failed earlier and its error was caught (${u.failure.code}); the transaction was rolled back`,
        { sqlstate: u.failure.sqlstate, cause: u.failure },
      );
    }
  }
}

