// The deadline holders of a session and of one transaction attempt. Each is both the StatementGuard its
// statements run under and the Alarm the watchdog fires; as classes (not closures built per unit) they cost one
// object per unit, and nothing for esbuild's keepNames to wrap on the hot path.
import type { Alarm } from './watchdog';
import { DeadlineExceededError, TransactionTimeoutError, type DbError, type TimeoutError } from './errors';
import type { StatementGuard } from './statement';

/** What a session does when its deadline passes (Session.expire). */
export interface DeadlineOwner {
  expire(err: DeadlineExceededError): void;
}

/** A session's deadline: guards its autocommit statements and ends the session when it passes. */
export class SessionDeadline implements StatementGuard, Alarm {
  constructor(
    readonly statementMs: number,
    readonly deadlineAt: number,
    private readonly owner: DeadlineOwner,
    private readonly name: string,
  ) {}

  get at(): number {
    return this.deadlineAt;
  }

  deadlineError(): TimeoutError {
    return new DeadlineExceededError('session deadline passed during a statement');
  }

  expire(): void {
    this.owner.expire(new DeadlineExceededError(`session deadline passed (${this.name})`));
  }
}

/** What a transaction attempt stops when it is ended early: its open transaction (Transaction.abort). */
export interface Abortable {
  abort(err: DbError): void;
}

/**
 * One attempt of a transaction: its deadline (the transaction limit or the session's, whichever is
 * first), the one timeout error it raises however many guards notice, and how it is stopped.
 */
export class UnitDeadline implements StatementGuard, Alarm {
  /** Set once BEGIN has answered and the server enforces the transaction's limits: no timer per statement. */
  unitTimer = false;
  /** Why the unit was stopped (timeout, session deadline, leak repair); first reason wins. */
  stoppedBy: DbError | undefined;
  private timedOut: TimeoutError | undefined;
  private tx: Abortable | undefined;
  private reject: ((err: DbError) => void) | undefined;

  constructor(
    readonly statementMs: number,
    readonly deadlineAt: number,
    private readonly limitMs: number,
    /** The session's deadline, not the transaction limit, is what bounds this unit. */
    private readonly sessionBinds: boolean,
    private readonly note: (err: unknown) => void,
    readonly openedAt: Error | undefined,
  ) {}

  get at(): number {
    return this.deadlineAt;
  }

  deadlineError(): TimeoutError {
    // One error per unit: the unit's alarm and a statement guard may both fire; it is counted once.
    return (this.timedOut ??= this.sessionBinds
      ? new DeadlineExceededError('session deadline passed during a transaction; rolled back')
      : new TransactionTimeoutError(`transaction exceeded ${this.limitMs} ms; rolled back`, { limitMs: this.limitMs }));
  }

  /** The transaction is open and its callback runs: stopping now aborts it and rejects the callback's wait. */
  running(tx: Abortable, reject: (err: DbError) => void): void {
    this.tx = tx;
    this.reject = reject;
  }

  /** Ends the unit now: the connection is cancelled and destroyed, and the caller gets `err` at once. */
  abort(err: DbError): void {
    if (this.stoppedBy) return;
    this.stoppedBy = err;
    // Before the callback runs (BEGIN on its way), the reason is kept and raised when BEGIN answers.
    this.tx?.abort(err);
    this.reject?.(err);
  }

  expire(): void {
    if (this.stoppedBy) return;
    const err = this.deadlineError();
    this.note(err);
    this.abort(err);
  }
}
