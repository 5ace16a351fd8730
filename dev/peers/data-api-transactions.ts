// Data API transactions: each holds its own pg client from BeginTransaction until commit, rollback, idle expiry,
// the first failed statement, or the death of its backend, and runs one statement at a time, like the service.
// An id that is no longer open is "not found" with the cause the service appends (data-api.troubleshooting):
// ended by a commit or rollback, aborted by an error from a previous call, or expired (also any id never issued).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DataApiError, NOT_FOUND_CAUSE, transactionBusy, transactionNotFound } from './data-api-errors.js';
import { endsConnection, lease, type Lease } from './pg-pools.js';

type Transaction = {
  lease: Lease;
  busy: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  /** Hears the held client's errors while it is held. */
  onError: (error: Error) => void;
};

export type TransactionRegistry = {
  begin(pool: pg.Pool): Promise<string>;
  /** Runs work on the transaction's client; refuses a second concurrent call. A failure ends the transaction. */
  run<T>(id: string, work: (lease: Lease) => Promise<T>): Promise<T>;
  /** COMMIT or ROLLBACK, then releases the client; the id is gone afterwards. */
  finish(id: string, statement: 'COMMIT' | 'ROLLBACK'): Promise<pg.QueryResult>;
  /** Rolls back and releases everything (endpoint shutdown). */
  closeAll(): Promise<void>;
  size(): number;
};

/** How many ended ids keep their cause for the "not found" message (older ones read as expired). */
const REMEMBERED_ENDINGS = 10_000;

export function createTransactionRegistry(idleMs: number): TransactionRegistry {
  const open = new Map<string, Transaction>();
  const ended = new Map<string, string>();

  const forget = (id: string, tx: Transaction, cause: string) => {
    open.delete(id);
    clearTimeout(tx.idleTimer);
    tx.lease.client.removeListener('error', tx.onError);
    ended.set(id, cause);
    if (ended.size > REMEMBERED_ENDINGS) ended.delete(ended.keys().next().value!);
  };

  const end = async (id: string, tx: Transaction, statement: 'COMMIT' | 'ROLLBACK', cause: string): Promise<pg.QueryResult> => {
    forget(id, tx, cause);
    try {
      const result = await tx.lease.client.query(statement);
      tx.lease.release();
      return result;
    } catch (error) {
      // A client that cannot finish its transaction must not go back to the pool.
      tx.lease.release(true);
      throw error;
    }
  };

  /** The statement failed: the service aborts the transaction, so later calls with the id are "not found". */
  const abort = (id: string, tx: Transaction, error: unknown) => {
    if (open.get(id) !== tx) return;
    forget(id, tx, NOT_FOUND_CAUSE.aborted);
    if (endsConnection(error)) {
      tx.lease.release(true);
      return;
    }
    tx.lease.client.query('ROLLBACK').then(
      () => tx.lease.release(),
      () => tx.lease.release(true),
    );
  };

  /** The backend died (idle_in_transaction_session_timeout, pg_terminate_backend, restart): the transaction with it. */
  const lost = (id: string, tx: Transaction) => {
    if (open.get(id) !== tx) return; // already ending: end() releases it
    forget(id, tx, NOT_FOUND_CAUSE.aborted);
    tx.lease.release(true);
  };

  const armIdleTimer = (id: string, tx: Transaction) => {
    clearTimeout(tx.idleTimer);
    tx.idleTimer = setTimeout(() => {
      if (open.get(id) === tx && !tx.busy) end(id, tx, 'ROLLBACK', NOT_FOUND_CAUSE.expired).catch(() => undefined);
    }, idleMs);
    tx.idleTimer.unref();
  };

  const claim = (id: string): Transaction => {
    const tx = open.get(id);
    if (!tx) throw transactionNotFound(id, ended.get(id));
    if (tx.busy) throw transactionBusy();
    return tx;
  };

  return {
    async begin(pool) {
      const held = await lease(pool);
      // Opaque ids of the same length as the service's (184 base64 characters).
      const id = randomBytes(138).toString('base64');
      const tx: Transaction = { lease: held, busy: false, idleTimer: undefined, onError: () => lost(id, tx) };
      held.client.on('error', tx.onError);
      try {
        await held.client.query('BEGIN');
      } catch (error) {
        held.client.removeListener('error', tx.onError);
        held.release(true);
        throw error;
      }
      open.set(id, tx);
      armIdleTimer(id, tx);
      return id;
    },
    async run(id, work) {
      const tx = claim(id);
      tx.busy = true;
      clearTimeout(tx.idleTimer);
      try {
        return await work(tx.lease);
      } catch (error) {
        // A call refused before it ran (a missing parameter, a bad type hint) leaves the transaction as it was.
        if (!(error instanceof DataApiError && error.type === 'BadRequestException')) abort(id, tx, error);
        throw error;
      } finally {
        tx.busy = false;
        if (open.get(id) === tx) armIdleTimer(id, tx);
      }
    },
    async finish(id, statement) {
      const tx = claim(id);
      return end(id, tx, statement, NOT_FOUND_CAUSE.ended);
    },
    async closeAll() {
      await Promise.allSettled([...open.entries()].map(([id, tx]) => end(id, tx, 'ROLLBACK', NOT_FOUND_CAUSE.ended)));
    },
    size: () => open.size,
  };
}
