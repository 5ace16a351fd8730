// A lease on the embedded instance behind the DriverConnection interface.
import type { PGlite } from '@electric-sql/pglite';
import type { DriverConnection, QueryOptions, QueryResult, TransactionStatus } from '../../driver';
import { textForm } from '../param-text';
import { RAW_TEMPORAL_PARSERS } from './types';

let nextId = 1;

/**
 * A parameter as node-postgres sends it (text, bytes or NULL): PGlite would serialize it by the parameter's type,
 * which differs from pg (an array for an enum[] column is written as "a,b") where the text form is what pg sends.
 */
function asParameter(value: unknown): unknown {
  return value === null || value === undefined || value instanceof Uint8Array ? (value ?? null) : textForm(value);
}

export class PgliteConnection implements DriverConnection {
  readonly id = nextId++;
  private dead = false;
  private openedBy: string | undefined;

  constructor(
    private readonly db: PGlite,
    private readonly schedule: (work: () => Promise<unknown>) => void,
  ) {}

  get alive(): boolean {
    return !this.dead;
  }

  /** The embedded backend's own state (a failed transaction counts as one). */
  get transactionStatus(): TransactionStatus {
    return this.db.isInTransaction() ? 'transaction' : 'idle';
  }

  get transactionOpenedBy(): string | undefined {
    return this.openedBy;
  }

  onDead(): void {
    // The embedded instance cannot drop a connection under us.
  }

  async query(text: string, params: readonly unknown[] | undefined, options: QueryOptions): Promise<QueryResult> {
    try {
      const res = await this.db.query(text, params?.map(asParameter), {
        rowMode: options.rowMode,
        ...(options.rawTemporal ? { parsers: RAW_TEMPORAL_PARSERS } : {}),
      });
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    } finally {
      this.noteStatus(text);
    }
  }

  async exec(text: string): Promise<void> {
    try {
      await this.db.exec(text);
    } finally {
      this.noteStatus(text);
    }
  }

  /** Remembers the statement that opened a transaction (for the leak report), forgets it once idle again. */
  private noteStatus(text: string): void {
    if (this.db.isInTransaction()) this.openedBy ??= text;
    else this.openedBy = undefined;
  }

  async cancel(): Promise<void> {
    // A running WASM statement cannot be interrupted; destroy() rolls back after it.
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    // "Destroying" the lease: whatever transaction it left open is rolled back before the next lease starts.
    this.schedule(() => (this.db.isInTransaction() ? this.db.exec('ROLLBACK') : Promise.resolve()));
  }
}
