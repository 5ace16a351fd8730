// The per-invocation unit. Reads run on pooled connections without an explicit transaction; writes go in
// short transactions. When the session's callback settles, whatever it left behind is repaired and reported.
import type { PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import type { Core } from './core';
import { NO_ROWS, type BatchStatement, type QueryOptions, type QueryResult } from './driver';
import { beginOptionsOf, drizzleOver } from './drizzle';
import {
  BadInputError,
  ConnectionLostError,
  DeadlineExceededError,
  SessionClosedError,
  TimeoutError,
  TransactionTimeoutError,
  UnsupportedError,
  isClientTimeout,
  type DbError,
  type TimeoutKind,
} from './errors';
import { fingerprint } from './fingerprint';
import type { DbLogger } from './log';
import type { Lease } from './pool';
import { backoffMs, isRetryableConflict, sleep, type RetryPolicy } from './retry';
import type { SessionSummary } from './stats';
import { SessionDeadline, UnitDeadline } from './guards';
import { StatementRunner, type StatementGuard, type StatementTally } from './statement';
import { beginStatement, clampToDeadline, type BeginOptions, type IsolationLevel } from './timeouts';
import { stoppable } from './stoppable';
import { Transaction, type TransactionCallback } from './transaction';

export type SessionOptions = {
  /** Absolute time (epoch ms) by which everything must be done, e.g. from the Lambda's remaining time. */
  deadline?: number;
  /** Name for logs (route or job). */
  name?: string;
  /** Logger for this session (e.g. a child with the request id). */
  logger?: DbLogger;
  /**
   * Called once with the session's summary when it ends (after the summary line is logged), e.g. to publish it as
   * metrics. Must not throw; an exception is logged and dropped.
   */
  onSummary?: (summary: SessionSummary) => void;
};

export type TransactionOptions = {
  isolation?: IsolationLevel;
  readOnly?: boolean;
  /** Whole-callback limit; clamped to the session deadline. */
  timeoutMs?: number;
  /**
   * Re-run the callback on serialization failure (40001) or deadlock (40P01). The callback runs again from the
   * start, so it must have no side effects outside the transaction. `true` uses the configured policy.
   */
  retry?: boolean | Partial<RetryPolicy>;
};

/** A batch takes the options of a transaction; it is one (atomic) whatever the driver. */
export type BatchOptions = TransactionOptions;


type OpenUnit = { abort(err: DbError): void; readonly openedAt: Error | undefined };
/** A statement from the moment it is asked for: `lease` is set while it runs; `abandonedBy` when the session's end took it. */
type RunningStatement = { lease: Lease | undefined; text: string; openedAt: Error | undefined; abandonedBy?: DbError };

const NO_STACK = 'not captured (set DB_LEAK_STACKS=true; stacks are now on for this container)';
/** BEGIN (with its SET LOCALs) as one simple-protocol message. */
const SIMPLE: QueryOptions = { rowMode: 'array', rawTemporal: false, simple: true };

let nextSessionId = 1;

export class Session<S extends Record<string, unknown> = Record<string, never>> {
  readonly id = nextSessionId++;
  readonly deadlineAt: number;
  private closed = false;
  private abortError: DbError | undefined;
  private readonly runner: StatementRunner;
  private readonly openUnits = new Set<OpenUnit>();
  private readonly running = new Set<RunningStatement>();
  private readonly tally: StatementTally = { queries: 0, dbTimeMs: 0 };
  private readonly summary = { transactions: 0, rollbacks: 0, retries: 0, acquireWaitMs: 0, leaks: 0, connectionLosses: 0 };
  /** Allocated at the first timeout: most sessions have none. */
  private timeouts: Partial<Record<TimeoutKind, number>> | undefined;
  private readonly logger: DbLogger;
  private drizzleDb: PgRemoteDatabase<S> | undefined;
  /** The session's deadline: the guard of its autocommit statements and the alarm that ends it. */
  private readonly guard: SessionDeadline;
  /** Settles run()'s promise early when the deadline passes. */
  private rejectRun: ((err: unknown) => void) | undefined;

  /** @internal */
  constructor(
    private readonly core: Core,
    private readonly options: SessionOptions,
  ) {
    const byConfig = Date.now() + core.config.sessionTimeoutMs;
    this.deadlineAt = Math.min(byConfig, options.deadline ?? byConfig);
    this.logger = options.logger ?? core.logger;
    this.runner = new StatementRunner(core, this.note);
    this.guard = new SessionDeadline(core.config.statementTimeoutMs, this.deadlineAt, this, options.name ?? 'session');
  }

  /** Milliseconds left before the session's deadline. */
  get remainingMs(): number {
    return Math.max(0, this.deadlineAt - Date.now());
  }

  /** One statement outside any transaction (autocommit). Meant for reads; writes belong in `transaction()`. */
  async query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    const res = await this.execute(text, params, { rowMode: 'object', rawTemporal: false });
    return { rows: res.rows as R[], rowCount: res.rowCount };
  }

  /**
   * drizzle over this session (each statement on a pooled connection, autocommit). `db.transaction(fn, config)` is
   * `session.transaction()`: fn gets drizzle's transaction object over it (savepoints, rollback() as drizzle's).
   */
  get db(): PgRemoteDatabase<S> {
    this.drizzleDb ??= drizzleOver<S>(
      this.core.schema as S | undefined,
      (text, params, rowMode) => this.execute(text, params, { rowMode, rawTemporal: true }),
      (fn, config) => this.transaction((tx) => fn(tx.db), beginOptionsOf(config)),
    );
    return this.drizzleDb;
  }

  /** One short atomic unit: commits when fn resolves, rolls back when it throws. See TransactionOptions. */
  async transaction<T>(fn: TransactionCallback<T, S>, options: TransactionOptions = {}): Promise<T> {
    this.assertOpen();
    if (this.core.config.transactions === 'batch-only') {
      throw new UnsupportedError('interactive transactions are refused: the database is configured with transactions: batch-only (DB_TRANSACTIONS); use session.batch()');
    }
    if (!this.core.driver.capabilities.interactiveTransactions) {
      throw new UnsupportedError(`driver "${this.core.driver.name}" cannot run interactive transactions; use session.batch()`);
    }
    return this.withRetry(options.retry, () => this.transactionOnce(fn, options));
  }

  /**
   * Statements run in order as one atomic unit, without a callback: a transaction on drivers that have them, one
   * request on neon-http. Results come back in statement order. Options and retry as for transaction().
   */
  async batch<R = Record<string, unknown>>(
    statements: readonly BatchStatement[],
    options: BatchOptions = {},
  ): Promise<{ rows: R[]; rowCount: number | null }[]> {
    this.assertOpen();
    checkBatch(statements);
    const results = this.core.driver.capabilities.interactiveTransactions
      ? await this.withRetry(options.retry, () =>
          this.transactionOnce(async (tx) => {
            const out: QueryResult[] = [];
            for (const st of statements) out.push(await tx.query(st.text, st.params));
            return out;
          }, options),
        )
      : await this.withRetry(options.retry, () => this.batchOnce(statements, options));
    return results as { rows: R[]; rowCount: number | null }[];
  }

  private async withRetry<T>(retry: TransactionOptions['retry'], once: () => Promise<T>): Promise<T> {
    const policy = this.retryPolicy(retry);
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (err) {
        const wait = backoffMs(attempt, policy);
        if (attempt >= policy.attempts || !isRetryableConflict(err) || Date.now() + wait >= this.deadlineAt) throw err;
        this.summary.retries++;
        this.core.counters.retries++;
        await sleep(wait);
        this.assertOpen();
      }
    }
  }

  /** @internal Runs fn as this session; repairs and reports leaks when it settles; logs the summary line. */
  async run<T>(fn: (session: Session<S>) => Promise<T>): Promise<T> {
    const started = performance.now();
    this.core.counters.sessions++;
    const watchdog = this.core.watchdog;
    let failure: unknown;
    try {
      // Settled by fn or by the deadline (expire()), whichever comes first. Leaks are taken the moment fn
      // settles, before any later microtask can send a forgotten statement.
      return await stoppable(
        () =>
          Promise.resolve(fn(this)).then(
            (value) => {
              this.end();
              return value;
            },
            (err: unknown) => {
              this.end();
              throw err;
            },
          ),
        (reject) => {
          this.rejectRun = reject;
          watchdog.add(this.guard);
        },
      );
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      watchdog.remove(this.guard);
      this.end();
      this.logSummary(started, failure);
    }
  }

  /** @internal The deadline passed (the watchdog, through SessionDeadline): everything still running is stopped. */
  expire(err: DeadlineExceededError): void {
    this.note(err);
    this.abortAll(err);
    this.rejectRun?.(err);
  }

  /** Closes the session once: whatever fn left behind is repaired and reported. */
  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.repairLeaks();
  }

  private async transactionOnce<T>(fn: TransactionCallback<T, S>, options: TransactionOptions): Promise<T> {
    const cfg = this.core.config;
    const limitMs = options.timeoutMs ?? cfg.transactionTimeoutMs;
    const deadlineAt = Math.min(Date.now() + limitMs, this.deadlineAt);
    // Registered before the first await: a transaction not yet begun when the session ends is a leak too, and the
    // stack still holds the caller's frames.
    const unit = new UnitDeadline(cfg.statementTimeoutMs, deadlineAt, limitMs, deadlineAt === this.deadlineAt, this.note, this.stackHere('transaction opened here'));
    const watchdog = this.core.watchdog;
    this.openUnits.add(unit);
    watchdog.add(unit);
    let opened: { tx: Transaction<S>; lease: Lease };
    try {
      opened = await this.begin(options, unit);
    } catch (err) {
      watchdog.remove(unit);
      this.openUnits.delete(unit);
      throw err;
    }
    const { tx, lease } = opened;
    this.summary.transactions++;
    this.core.counters.transactions++;
    let destroy = false;
    try {
      // Stopped while BEGIN was on its way (the session ended, or the deadline passed): fn never runs.
      if (unit.stoppedBy) throw unit.stoppedBy;
      // Settled by fn or by the unit being stopped (its alarm, the session's end), whichever is first.
      const result = await stoppable(
        () => fn(tx),
        (reject) => unit.running(tx, reject),
      );
      await tx.commitUnit();
      this.core.counters.commits++;
      return result;
    } catch (err) {
      if (tx.state === 'open' && !(await tx.rollbackUnit())) destroy = true;
      if (tx.state !== 'committed') {
        this.summary.rollbacks++;
        this.core.counters.rollbacks++;
      }
      throw err;
    } finally {
      watchdog.remove(unit);
      this.openUnits.delete(unit);
      // A timed-out or aborted unit's connection is in an unknown state: destroyed, never returned; so is one a
      // statement left session state on.
      this.core.pool.release(lease.conn, destroy || tx.state === 'aborted' || tx.state === 'open' || tx.retiresConnection);
    }
  }

  /** Acquires and sends BEGIN; a connection found dead on that first round trip is replaced once. */
  private async begin(options: TransactionOptions, unit: UnitDeadline): Promise<{ tx: Transaction<S>; lease: Lease }> {
    const begin = this.beginOptions(options, unit.deadlineAt);
    const sql = beginStatement(begin);
    for (let attempt = 1; ; attempt++) {
      const lease = await this.acquire(unit);
      const conn = lease.conn;
      try {
        // Drivers whose transactions are API calls (Data API) start them their way; the others get one round trip.
        if (conn.begin) await this.runner.runWith(conn, sql, () => conn.begin!(begin).then(() => NO_ROWS), unit, this.tally);
        else await this.runner.run(conn, sql, undefined, SIMPLE, unit, this.tally);
      } catch (err) {
        this.core.pool.release(lease.conn, err instanceof ConnectionLostError ? 'died' : true);
        if (attempt === 1 && lease.reused && err instanceof ConnectionLostError) continue;
        throw err;
      }
      const caps = this.core.driver.capabilities;
      unit.unitTimer = caps.serverEnforcedTimeouts && (caps.setLocalTimeouts || caps.startupTimeouts === true);
      const tx = Transaction.open<S>({ core: this.core, runner: this.runner, lease, deadlineAt: unit.deadlineAt, guard: unit, tally: this.tally });
      return { tx, lease };
    }
  }

  /** How a unit starts: isolation, read-only and the server-side limits clamped to its deadline (when settable). */
  private beginOptions(options: TransactionOptions, deadlineAt: number): BeginOptions {
    const cfg = this.core.config;
    const now = Date.now();
    const serverTimeouts = this.core.driver.capabilities.setLocalTimeouts
      ? {
          statementMs: clampToDeadline(cfg.statementTimeoutMs, deadlineAt, now),
          lockMs: clampToDeadline(cfg.lockTimeoutMs, deadlineAt, now),
          idleInTransactionMs: clampToDeadline(cfg.idleInTransactionTimeoutMs, deadlineAt, now),
        }
      : undefined;
    const sessionTimeouts = this.core.driver.capabilities.startupTimeouts
      ? { statementMs: cfg.statementTimeoutMs, lockMs: cfg.lockTimeoutMs, idleInTransactionMs: cfg.idleInTransactionTimeoutMs }
      : undefined;
    return { isolation: options.isolation, readOnly: options.readOnly ?? false, serverTimeouts, sessionTimeouts };
  }

  /** A batch on a driver without interactive transactions: one driver call (one HTTP request) under one guard. */
  private async batchOnce(statements: readonly BatchStatement[], options: BatchOptions): Promise<QueryResult[]> {
    const limitMs = options.timeoutMs ?? this.core.config.transactionTimeoutMs;
    const deadlineAt = Math.min(Date.now() + limitMs, this.deadlineAt);
    const sessionBinds = deadlineAt === this.deadlineAt;
    // The whole batch is bounded by the unit's limit, not by one statement's.
    const guard: StatementGuard = {
      statementMs: limitMs,
      serverStatementMs: this.core.config.statementTimeoutMs,
      deadlineAt,
      deadlineError() {
        return sessionBinds
          ? new DeadlineExceededError('session deadline passed during a batch')
          : new TransactionTimeoutError(`batch exceeded ${limitMs} ms`, { limitMs });
      },
    };
    const begin = this.beginOptions(options, deadlineAt);
    beginStatement(begin); // validates the options the same way as for a transaction
    const lease = await this.acquire(guard);
    this.summary.transactions++;
    this.core.counters.transactions++;
    let destroy = false;
    try {
      const results = await this.runner.runBatch(lease.conn, statements, { ...begin, rowMode: 'object', rawTemporal: false }, guard, this.tally);
      this.core.counters.commits++;
      return results;
    } catch (err) {
      destroy = !lease.conn.alive || isClientTimeout(err);
      this.summary.rollbacks++;
      this.core.counters.rollbacks++;
      throw err;
    } finally {
      this.core.pool.release(lease.conn, destroy);
    }
  }

  private async execute(text: string, params: readonly unknown[] | undefined, options: QueryOptions): Promise<QueryResult> {
    this.assertOpen();
    // Refused before anything is acquired: transaction control and session settings (statement-rules.ts).
    const retire = this.core.statements.admit('autocommit', text);
    const guard = this.guard;
    // Tracked before the first await: a statement still waiting for its connection when the session ends is a
    // leak too (never sent), and the stack still holds the caller's frames.
    const running: RunningStatement = { lease: undefined, text, openedAt: this.stackHere('statement started here') };
    this.running.add(running);
    try {
      for (let attempt = 1; ; attempt++) {
        const lease = await this.acquire(guard);
        if (!this.running.has(running)) {
          this.core.pool.release(lease.conn);
          throw running.abandonedBy ?? new SessionClosedError('statement abandoned: the session ended before it was sent (missing await?)');
        }
        running.lease = lease;
        let destroy: boolean | 'died' = false;
        try {
          return await this.runner.run(lease.conn, text, params, options, guard, this.tally);
        } catch (err) {
          // A lost connection is destroyed (and counted) even before the driver has marked it dead, or the retry
          // would reuse it.
          destroy = err instanceof ConnectionLostError ? 'died' : !lease.conn.alive || isClientTimeout(err);
          // A reused connection that turns out dead on the first statement: retried once on a fresh one.
          if (attempt === 1 && lease.reused && err instanceof ConnectionLostError) continue;
          throw err;
        } finally {
          // Unless the session's end took the lease (cancelled and destroyed it), it goes back here.
          if (this.running.has(running)) {
            running.lease = undefined;
            this.core.pool.release(lease.conn, destroy || retire);
          }
        }
      }
    } finally {
      this.running.delete(running);
    }
  }

  /** A connection within the guard's deadline (a wait cut short by the deadline raises the guard's error). */
  private async acquire(guard: StatementGuard): Promise<Lease> {
    const cfg = this.core.config;
    const remaining = guard.deadlineAt - Date.now();
    if (remaining <= 0) throw this.noted(guard.deadlineError());
    try {
      const lease = await this.core.pool.acquire({
        waitMs: Math.min(cfg.acquireTimeoutMs, remaining),
        connectMs: Math.min(cfg.connectTimeoutMs, remaining),
        onQueueTimeout: cfg.acquireTimeoutMs < remaining ? undefined : guard.deadlineError.bind(guard),
      });
      this.summary.acquireWaitMs += lease.waitMs;
      return lease;
    } catch (err) {
      throw this.noted(err);
    }
  }

  private retryPolicy(retry: TransactionOptions['retry']): RetryPolicy {
    const cfg = this.core.config;
    if (!retry) return { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
    const base = { attempts: cfg.retryMaxAttempts, baseDelayMs: cfg.retryBaseDelayMs, maxDelayMs: cfg.retryMaxDelayMs };
    return retry === true ? base : { ...base, ...retry };
  }

  private assertOpen(): void {
    if (this.abortError) throw this.abortError;
    if (this.closed) throw new SessionClosedError('session already ended: it was used after its callback settled (missing await?)');
  }

  /** Deadline: every unit and statement still running is stopped; nothing is committed. */
  private abortAll(err: DbError): void {
    this.abortError = err;
    // Stopped by the deadline, not forgotten by the caller: off the lists, so they are not reported as leaks.
    for (const u of this.openUnits) {
      this.openUnits.delete(u);
      u.abort(err);
    }
    for (const r of this.running) this.takeStatement(r, err);
  }

  /** Whatever fn left open is a leak: rolled back (by destroying the connection), counted and logged. */
  private repairLeaks(): void {
    for (const u of this.openUnits) {
      this.leak('transaction still open when the session ended; rolled back', { openedAt: u.openedAt?.stack ?? NO_STACK });
      u.abort(new SessionClosedError('transaction abandoned: the session ended before it finished (missing await?)'));
    }
    for (const r of this.running) {
      this.leak(r.lease ? 'statement still running when the session ended; cancelled' : 'statement not yet sent when the session ended; dropped', {
        statement: fingerprint(r.text).text,
        openedAt: r.openedAt?.stack ?? NO_STACK,
      });
      this.takeStatement(r, new SessionClosedError('statement abandoned: the session ended before it finished (missing await?)'));
    }
  }

  /** Takes a statement from its caller: one waiting for a connection is never sent; a running one is cancelled. */
  private takeStatement(r: RunningStatement, err: DbError): void {
    this.running.delete(r);
    r.abandonedBy = err;
    if (!r.lease) return;
    void r.lease.conn.cancel();
    this.core.pool.release(r.lease.conn, true);
  }

  /** Where a unit was opened, when leak stacks are on (a stack costs microseconds on every unit). */
  private stackHere(label: string): Error | undefined {
    return this.core.leakStacks.on ? new Error(label) : undefined;
  }

  private leak(message: string, fields: Record<string, unknown>): void {
    // From the first leak on, this container records where units open, so the next report names the caller.
    this.core.leakStacks.on = true;
    this.summary.leaks++;
    this.core.pool.leaks++;
    this.logger.error(`leak: ${message}`, { session: this.id, name: this.options.name, ...fields });
  }

  private logSummary(started: number, failure: unknown): void {
    const line: SessionSummary = {
      session: this.id,
      name: this.options.name,
      outcome: failure === undefined ? 'ok' : 'error',
      errorCode: (failure as { code?: string } | undefined)?.code,
      durationMs: round(performance.now() - started),
      queries: this.tally.queries,
      transactions: this.summary.transactions,
      rollbacks: this.summary.rollbacks,
      retries: this.summary.retries,
      dbTimeMs: round(this.tally.dbTimeMs),
      acquireWaitMs: round(this.summary.acquireWaitMs),
      leaks: this.summary.leaks,
      connectionLosses: this.summary.connectionLosses,
      timeouts: this.timeouts ?? {},
    };
    this.logger.info('session summary', line);
    if (!this.options.onSummary) return;
    try {
      this.options.onSummary(line);
    } catch (err) {
      this.logger.warn('session summary callback failed', { session: this.id, error: (err as Error)?.message ?? String(err) });
    }
  }

  /** Counts an error once: in the layer counters and, the first time it is seen, in this session's summary. */
  private readonly note = (err: unknown): void => {
    if (!this.core.note(err)) return;
    if (err instanceof TimeoutError) {
      const t = (this.timeouts ??= {});
      t[err.kind] = (t[err.kind] ?? 0) + 1;
    } else if (err instanceof ConnectionLostError) this.summary.connectionLosses++;
  };

  private noted<E>(err: E): E {
    this.note(err);
    return err;
  }
}

function checkBatch(statements: readonly BatchStatement[]): void {
  if (!Array.isArray(statements) || statements.length === 0) throw new BadInputError('a batch needs at least one statement');
  for (const st of statements) {
    if (typeof st?.text !== 'string' || st.text.trim() === '') throw new BadInputError('every batch statement needs a non-empty text');
    if (st.params !== undefined && !Array.isArray(st.params)) throw new BadInputError('batch statement params must be an array');
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
