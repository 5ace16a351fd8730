// A lease on the RDS Data API. No server connection is held between calls; a transaction is a transactionId
// the service keeps for us. One call at a time per lease (the service runs one statement at a time per
// transaction). cancel() aborts the HTTP request: the service has no cancel, the statement runs on until it
// ends or hits the 45 s limit, and a destroyed lease rolls its transaction back as soon as the service allows.
import type { BeginTransactionCommandOutput, ExecuteStatementCommandOutput, RDSDataClient } from '@aws-sdk/client-rds-data';
import type { DriverConnection, QueryOptions, QueryResult } from '../../driver';
import { ConnectionFailedError, ConnectionLostError, IdleInTransactionTimeoutError } from '../../errors';
import type { BeginOptions } from '../../timeouts';
import type { RoleDefaults } from '../role-defaults';
import { dataApiError, isResuming, isTransactionGone } from './errors';
import { toQueryResult } from './fields';
import { bindParameters } from './params';
import { executeInput, mayReturnRows, type DataApiTarget } from './request';

let nextId = 1;

const RESUME_FIRST_DELAY_MS = 250;
const RESUME_MAX_DELAY_MS = 2_000;
/** A destroyed lease keeps trying to roll back while its last statement may still run (45 s service limit). */
const ABANDON_BUDGET_MS = 50_000;
const ISOLATION_SQL = { 'read committed': 'READ COMMITTED', 'repeatable read': 'REPEATABLE READ', serializable: 'SERIALIZABLE' } as const;

export type Commands = typeof import('@aws-sdk/client-rds-data');
export type { DataApiTarget };

export type DataApiConnectionOptions = {
  client: RDSDataClient;
  commands: Pick<Commands, 'ExecuteStatementCommand' | 'BeginTransactionCommand' | 'CommitTransactionCommand' | 'RollbackTransactionCommand'>;
  target: DataApiTarget;
  /** How long an Aurora database may take to resume before a call gives up (the connect timeout). */
  resumeBudgetMs: number;
  /** The service forgets a transaction unused this long. */
  transactionExpiryMs: number;
  /** The session defaults of the service's connections (shared by the driver's leases): set_config only where they differ. */
  roleDefaults: RoleDefaults;
};

export class DataApiConnection implements DriverConnection {
  readonly id = nextId++;
  private dead = false;
  private transactionId: string | undefined;
  private lastCallAt = 0;
  private inFlight: AbortController | undefined;
  /** Shared by this lease's calls (one at a time) until one is aborted: a signal per call costs more than the SDK's own
   *  listener bookkeeping on it, which it undoes when each request ends. */
  private controller = new AbortController();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: DataApiConnectionOptions) {}

  get alive(): boolean {
    return !this.dead;
  }

  onDead(): void {
    // Nothing to lose between calls.
  }

  query(text: string, params: readonly unknown[] | undefined, options: QueryOptions): Promise<QueryResult> {
    return this.serial(async () => toQueryResult(await this.execute(text, params, mayReturnRows(text)), options));
  }

  /** One statement (the Data API runs one statement per call); its result is not read. */
  async exec(text: string): Promise<void> {
    await this.serial(() => this.execute(text, undefined, false));
  }

  /**
   * BeginTransaction, then SET TRANSACTION and the transaction-local timeouts that the session defaults do not
   * already give (the service has no BEGIN options): a write at the configured limits, with role defaults equal to
   * them, is BeginTransaction, its statements, CommitTransaction.
   */
  begin(options: BeginOptions): Promise<void> {
    return this.serial(async () => {
      const { BeginTransactionCommand } = this.o.commands;
      const { resourceArn, secretArn, database } = this.o.target;
      const out = await this.call<BeginTransactionCommandOutput>((signal) =>
        this.o.client.send(new BeginTransactionCommand({ resourceArn, secretArn, database }), { abortSignal: signal }),
      );
      this.transactionId = out.transactionId;
      this.lastCallAt = Date.now();
      try {
        const mode = transactionMode(options);
        if (mode) await this.execute(mode, undefined, false);
        const t = options.serverTimeouts;
        const timeouts = t && this.o.roleDefaults.statementFor(t);
        if (timeouts) {
          const out = await this.execute(timeouts.sql, undefined, false);
          // Without metadata every column comes back as its text (set_config's, the defaults').
          if (timeouts.readsDefaults) this.o.roleDefaults.record(out.records?.[0]?.at(-1)?.stringValue);
        }
      } catch (err) {
        await this.finish('rollback').catch(() => undefined);
        throw err;
      }
    });
  }

  commit(): Promise<void> {
    return this.serial(() => this.finish('commit'));
  }

  rollback(): Promise<void> {
    return this.serial(() => this.finish('rollback'));
  }

  async cancel(): Promise<void> {
    this.inFlight?.abort();
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    this.inFlight?.abort();
    if (this.transactionId) void this.abandon(this.transactionId);
  }

  /** One ExecuteStatement, in the open transaction if any; `metadata`: column types for typed rows. Callers hold the queue. */
  private async execute(text: string, params: readonly unknown[] | undefined, metadata: boolean): Promise<ExecuteStatementCommandOutput> {
    const transactionId = this.usableTransaction();
    const { sql, parameters } = bindParameters(text, params);
    const input = executeInput(this.o.target, sql, parameters, transactionId, metadata);
    try {
      return await this.call((signal) => this.o.client.send(new this.o.commands.ExecuteStatementCommand(input), { abortSignal: signal }));
    } finally {
      if (transactionId) this.lastCallAt = Date.now();
    }
  }

  private async finish(how: 'commit' | 'rollback'): Promise<void> {
    const transactionId = this.transactionId;
    if (!transactionId) return;
    const { resourceArn, secretArn } = this.o.target;
    const { CommitTransactionCommand, RollbackTransactionCommand } = this.o.commands;
    try {
      if (how === 'commit') this.usableTransaction();
      await this.call((signal) =>
        how === 'commit'
          ? this.o.client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId }), { abortSignal: signal })
          : // A transaction the service no longer has (aborted by the failed call, lost with its connection) is rolled back.
            this.o.client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId }), { abortSignal: signal }).catch((err: unknown) => {
              if (!isTransactionGone(err)) throw err;
            }),
      );
      this.transactionId = undefined;
    } catch (err) {
      // A failed rollback leaves nothing to do: the transaction is gone, or the lease will be destroyed.
      if (how === 'rollback') this.transactionId = undefined;
      throw err;
    }
  }

  /** The open transaction's id; a transaction the service has already forgotten is reported, not sent. */
  private usableTransaction(): string | undefined {
    const id = this.transactionId;
    if (id && Date.now() - this.lastCallAt >= this.o.transactionExpiryMs) {
      this.transactionId = undefined;
      throw new IdleInTransactionTimeoutError(
        `the transaction was unused for ${this.o.transactionExpiryMs} ms; the Data API has rolled it back`,
        { limitMs: this.o.transactionExpiryMs },
      );
    }
    return id;
  }

  /** One service call; an Aurora database resuming from auto-pause is waited for with capped backoff. */
  private async call<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.dead) throw new ConnectionLostError('the Data API lease was destroyed');
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const controller = this.controller;
    this.inFlight = controller;
    const giveUpAt = Date.now() + this.o.resumeBudgetMs;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await send(controller.signal);
        } catch (err) {
          if (!isResuming(err) || controller.signal.aborted) throw dataApiError(err);
          const wait = Math.min(RESUME_MAX_DELAY_MS, RESUME_FIRST_DELAY_MS * 2 ** attempt);
          if (Date.now() + wait > giveUpAt) {
            throw new ConnectionFailedError(`the database is still resuming after ${this.o.resumeBudgetMs} ms`, { cause: dataApiError(err) });
          }
          await sleep(wait, controller.signal);
        }
      }
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  /** Calls one after another: the service runs one statement at a time per transaction. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Rolls back a destroyed lease's transaction, retrying while its last statement still runs. */
  private async abandon(transactionId: string): Promise<void> {
    await this.queue;
    const { resourceArn, secretArn } = this.o.target;
    const giveUpAt = Date.now() + ABANDON_BUDGET_MS;
    for (let wait = 250; Date.now() < giveUpAt; wait = Math.min(wait * 2, 5_000)) {
      try {
        await this.o.client.send(new this.o.commands.RollbackTransactionCommand({ resourceArn, secretArn, transactionId }));
        return;
      } catch (err) {
        // Only "still running a query" (no SQLState) and a resuming database are worth waiting for; anything else
        // means the transaction is gone.
        if (!isStillRunning(err) && !isResuming(err)) return;
      }
      await sleep(wait);
    }
  }
}

function isStillRunning(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown };
  return e?.name === 'DatabaseErrorException' && !/SQLState:/.test(String(e.message));
}

function transactionMode(o: BeginOptions): string | undefined {
  if (!o.isolation && !o.readOnly) return undefined;
  let sql = 'SET TRANSACTION';
  if (o.isolation) sql += ` ISOLATION LEVEL ${ISOLATION_SQL[o.isolation]}`;
  if (o.readOnly) sql += ' READ ONLY';
  return sql;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new ConnectionLostError('call cancelled'));
    };
    // The signal outlives the wait (the lease reuses it): its listener goes when the wait ends.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cancelled);
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', cancelled, { once: true });
  });
}
