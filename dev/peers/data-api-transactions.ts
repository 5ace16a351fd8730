// Data API transactions: each holds its own pg client from BeginTransaction until commit,
// rollback or idle expiry, and runs one statement at a time, like the service.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { transactionBusy, transactionNotFound } from './data-api-errors.js';

type Transaction = {
  client: pg.PoolClient;
  busy: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  /** Hears the held client's errors: the pool stops listening while a client is checked out. */
  onError: (error: Error) => void;
};

export type TransactionRegistry = {
  begin(pool: pg.Pool): Promise<string>;
  /** Runs work on the transaction's client; refuses a second concurrent call. */
  run<T>(id: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** COMMIT or ROLLBACK, then releases the client; the id is gone afterwards. */
  finish(id: string, statement: 'COMMIT' | 'ROLLBACK'): Promise<pg.QueryResult>;
  /** Rolls back and releases everything (endpoint shutdown). */
  closeAll(): Promise<void>;
  size(): number;
};

export function createTransactionRegistry(idleMs: number): TransactionRegistry {
  const open = new Map<string, Transaction>();

  /** Hands the client back (the pool listens for its errors again); an error discards it. */
  const release = (tx: Transaction, error?: Error) => {
    tx.client.removeListener('error', tx.onError);
    tx.client.release(error);
  };

  const end = async (id: string, tx: Transaction, statement: 'COMMIT' | 'ROLLBACK'): Promise<pg.QueryResult> => {
    open.delete(id);
    clearTimeout(tx.idleTimer);
    try {
      const result = await tx.client.query(statement);
      release(tx);
      return result;
    } catch (error) {
      // A client that cannot finish its transaction must not go back to the pool.
      release(tx, error as Error);
      throw error;
    }
  };

  /**
   * The backend died (idle_in_transaction_session_timeout, pg_terminate_backend, restart): the
   * transaction is gone with it, so the id is forgotten and later calls get "not found".
   */
  const lost = (id: string, tx: Transaction, error: Error) => {
    if (open.get(id) !== tx) return; // already ending: end() releases it
    open.delete(id);
    clearTimeout(tx.idleTimer);
    release(tx, error);
  };

  const armIdleTimer = (id: string, tx: Transaction) => {
    clearTimeout(tx.idleTimer);
    tx.idleTimer = setTimeout(() => {
      if (open.get(id) === tx && !tx.busy) end(id, tx, 'ROLLBACK').catch(() => undefined);
    }, idleMs);
    tx.idleTimer.unref();
  };

  const claim = (id: string): Transaction => {
    const tx = open.get(id);
    if (!tx) throw transactionNotFound(id);
    if (tx.busy) throw transactionBusy();
    return tx;
  };

  return {
    async begin(pool) {
      const client = await pool.connect();
      // Opaque ids of the same length as the service's (184 base64 characters).
      const id = randomBytes(138).toString('base64');
      const tx: Transaction = { client, busy: false, idleTimer: undefined, onError: (error) => lost(id, tx, error) };
      client.on('error', tx.onError);
      try {
        await client.query('BEGIN');
      } catch (error) {
        release(tx, error as Error);
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
        return await work(tx.client);
      } finally {
        tx.busy = false;
        if (open.get(id) === tx) armIdleTimer(id, tx);
      }
    },
    async finish(id, statement) {
      const tx = claim(id);
      return end(id, tx, statement);
    },
    async closeAll() {
      await Promise.allSettled([...open.entries()].map(([id, tx]) => end(id, tx, 'ROLLBACK')));
    },
    size: () => open.size,
  };
}
