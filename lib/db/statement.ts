// Runs one statement on a connection under a client-side guard, measures it, and types its error.
import { toDbError } from './classify';
import type { Core } from './core';
import type { DriverConnection, QueryOptions, QueryResult } from './driver';
import { StatementTimeoutError, type TimeoutError } from './errors';
import { fingerprint } from './fingerprint';

/** Room for the server's own statement_timeout to answer first when it enforces one. */
const SERVER_FIRST_GRACE_MS = 250;

export type StatementGuard = {
  statementMs: number;
  /** Absolute time by which the statement must have finished (the transaction's or session's deadline). */
  deadlineAt: number;
  /** The error to raise when the deadline (not the statement limit) is what ran out. */
  deadlineError: () => TimeoutError;
};

const EMPTY: QueryResult = { rows: [], rowCount: null };

/** Per-session tallies the summary line reports. */
export type StatementTally = { queries: number; dbTimeMs: number };

export class StatementRunner {
  constructor(private readonly core: Core) {}

  async run(
    conn: DriverConnection,
    text: string,
    params: readonly unknown[] | undefined,
    options: QueryOptions,
    guard: StatementGuard,
    tally: StatementTally,
  ): Promise<QueryResult> {
    const remaining = guard.deadlineAt - Date.now();
    if (remaining <= 0) throw this.noted(guard.deadlineError());
    const grace = this.core.driver.capabilities.serverEnforcedTimeouts ? SERVER_FIRST_GRACE_MS : 0;
    const byStatement = guard.statementMs + grace < remaining;
    const started = performance.now();
    let fired: TimeoutError | undefined;
    let timer: NodeJS.Timeout | undefined;
    const guardPromise = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        fired = byStatement
          ? new StatementTimeoutError(`statement exceeded ${guard.statementMs} ms`, { limitMs: guard.statementMs })
          : guard.deadlineError();
        // Stop the server's work first (the cancel travels on its own socket), then drop the connection.
        void conn.cancel().finally(() => conn.destroy());
        reject(fired);
      }, byStatement ? guard.statementMs + grace : remaining);
    });
    const work = options.simple ? conn.exec(text).then(() => EMPTY) : conn.query(text, params, options);
    try {
      return await Promise.race([work, guardPromise]);
    } catch (err) {
      throw this.noted(fired ?? toDbError(err, { connectionDead: !conn.alive }));
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined);
      guardPromise.catch(() => undefined);
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
    this.core.note(err);
    return err;
  }
}
