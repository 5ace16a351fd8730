// Runs one statement on a connection under a client-side guard, measures it, and types its error.
import { toDbError } from './classify';
import type { Core } from './core';
import { NO_ROWS, type BatchStatement, type DriverConnection, type QueryOptions, type QueryResult } from './driver';
import { StatementTimeoutError, UnsupportedError, type TimeoutError } from './errors';
import { fingerprint } from './fingerprint';
import type { BeginOptions } from './timeouts';
import { stoppable } from './stoppable';
import type { Alarm } from './watchdog';

/** Room for the server's own statement_timeout to answer first when it enforces one. */
const SERVER_FIRST_GRACE_MS = 250;

/** The limits a statement runs under (a session's, or its transaction's: see guards.ts). */
export interface StatementGuard {
  readonly statementMs: number;
  /** Absolute time by which the statement must have finished (the transaction's or session's deadline). */
  readonly deadlineAt: number;
  /** The error to raise when the deadline (not the statement limit) is what ran out. */
  deadlineError(): TimeoutError;
  /** A unit alarm (the transaction's) already bounds the statement, and the server enforces its limit. */
  readonly unitTimer?: boolean;
  /**
   * The statement_timeout the server runs this under, when not statementMs: a batch's client limit is the whole
   * batch's, while each of its statements is held to the configured statement timeout by the server.
   */
  readonly serverStatementMs?: number;
}

/** Per-session tallies the summary line reports. */
export type StatementTally = { queries: number; dbTimeMs: number };

export class StatementRunner {
  /** `note` counts an error once (the session's: its summary and the layer counters). */
  constructor(
    private readonly core: Core,
    private readonly note: (err: unknown) => void = core.note,
  ) {}

  async run(
    conn: DriverConnection,
    text: string,
    params: readonly unknown[] | undefined,
    options: QueryOptions,
    guard: StatementGuard,
    tally: StatementTally,
  ): Promise<QueryResult> {
    return this.runWith(conn, text, () => (options.simple ? conn.exec(text).then(() => NO_ROWS) : conn.query(text, params, options)), guard, tally);
  }

  /** A whole batch as one driver call (neon-http: one HTTP request); every statement is checked first. */
  runBatch(
    conn: DriverConnection,
    statements: readonly BatchStatement[],
    options: BeginOptions & QueryOptions,
    guard: StatementGuard,
    tally: StatementTally,
  ): Promise<QueryResult[]> {
    if (!conn.batch) throw new UnsupportedError(`driver "${this.core.driver.name}" has no batch call`);
    // A batch is one transaction: its statements are held to the rules of one (statement-rules.ts).
    for (const st of statements) this.core.statements.admit('transaction', st.text);
    return this.runWith(conn, statements.map((st) => st.text).join(';\n'), () => conn.batch!(statements, options), guard, tally);
  }

  /** Runs a driver call standing for `text` (a statement, a batch, a transaction API call) under the same guard. */
  async runWith<T>(conn: DriverConnection, text: string, call: () => Promise<T>, guard: StatementGuard, tally: StatementTally): Promise<T> {
    const now = Date.now();
    const remaining = guard.deadlineAt - now;
    if (remaining <= 0) throw this.noted(guard.deadlineError());
    const grace = this.core.driver.capabilities.serverEnforcedTimeouts ? SERVER_FIRST_GRACE_MS : 0;
    const byStatement = guard.statementMs + grace < remaining;
    const started = performance.now();
    let alarm: StatementAlarm | undefined;
    try {
      // Inside a transaction whose server enforces its timeouts, the server answers a slow statement (57014) and
      // the transaction's own alarm bounds a silent socket: no alarm per statement.
      if (guard.unitTimer) return await call();
      const limit = alarm = new StatementAlarm(conn, guard, byStatement, now + (byStatement ? guard.statementMs + grace : remaining));
      // Settled by the driver call (a synchronous throw fails like a rejection) or the alarm, whichever is first.
      return await stoppable(call, (reject) => {
        limit.reject = reject;
        this.core.watchdog.add(limit);
      });
    } catch (err) {
      let e = alarm?.fired ?? toDbError(err, { connectionDead: !conn.alive });
      // The server's statement_timeout was clamped to the unit's deadline: hitting it is the unit's timeout (one
      // error for the unit, counted once), not a slow statement.
      if (e instanceof StatementTimeoutError && e.sqlstate !== undefined && (guard.serverStatementMs ?? guard.statementMs) + grace >= remaining) {
        e = guard.deadlineError();
      }
      throw this.noted(e);
    } finally {
      if (alarm) this.core.watchdog.remove(alarm);
      const ms = performance.now() - started;
      tally.queries++;
      tally.dbTimeMs += ms;
      if (ms >= this.core.config.slowStatementMs) this.slow(text, ms);
    }
  }

  private slow(text: string, ms: number): void {
    this.core.counters.slowStatements++;
    const fp = fingerprint(text);
    this.core.logger.warn('slow statement', { fingerprint: fp.id, statement: fp.text, durationMs: Math.round(ms) });
  }

  private noted<E>(err: E): E {
    this.note(err);
    return err;
  }
}

/** A statement's client-side limit: the statement timeout (plus the server's grace), or the deadline if sooner. */
class StatementAlarm implements Alarm {
  fired: TimeoutError | undefined;
  reject: ((err: unknown) => void) | undefined;

  constructor(
    private readonly conn: DriverConnection,
    private readonly guard: StatementGuard,
    private readonly byStatement: boolean,
    readonly at: number,
  ) {}

  expire(): void {
    const { conn, guard } = this;
    this.fired = this.byStatement
      ? new StatementTimeoutError(`statement exceeded ${guard.statementMs} ms`, { limitMs: guard.statementMs })
      : guard.deadlineError();
    // Stop the server's work first (the cancel travels on its own socket), then drop the connection.
    void conn.cancel().finally(() => conn.destroy());
    this.reject?.(this.fired);
  }
}
