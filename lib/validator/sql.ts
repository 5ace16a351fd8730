// What repositories run statements on, and the small helpers every repository shares.
import type { Session, Transaction } from '../db';

// Repositories work with a session or transaction of any database, whatever schema it was created with.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySchema = any;
export type AnySession = Session<AnySchema>;
export type AnyTransaction = Transaction<AnySchema>;
/** A session (each write then opens its own short transaction) or the caller's transaction. */
export type Executor = AnySession | AnyTransaction;

export type QueryResultOf<R> = { rows: R[]; rowCount: number | null };

/**
 * The one capability a statement needs. Sessions and transactions have it; so do the wrappers that count
 * round trips (steps) or EXPLAIN statements (tests), which is why step-facing repository functions take it.
 */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResultOf<R>>;
}

function isTransaction(q: Executor): q is AnyTransaction {
  // Only a transaction has a state and a nesting depth; a session opens units instead.
  return 'state' in q && typeof (q as { depth?: unknown }).depth === 'number';
}

/** Runs fn in the caller's transaction when given one (its unit, its commit), else in a new short one. */
export function inTransaction<T>(q: Executor, fn: (tx: AnyTransaction) => Promise<T>): Promise<T> {
  return isTransaction(q) ? fn(q) : q.transaction(fn);
}

/**
 * One statement as its own atomic unit: in the caller's transaction when given one, else a one-statement batch
 * (a transaction on drivers that have them, one request on neon-http; one round trip once batches are pipelined).
 */
export async function atomicStatement<R>(q: Executor, text: string, params: readonly unknown[]): Promise<QueryResultOf<R>> {
  return isTransaction(q) ? q.query<R>(text, params) : (await q.batch<R>([{ text, params: [...params] }]))[0]!;
}

/** A session, or undefined when the caller handed us its transaction (no new units may be opened then). */
export function sessionOf(q: Executor): AnySession | undefined {
  return isTransaction(q) ? undefined : q;
}

/** Statements run through a counting wrapper (round trips of a step). */
export type StatementTally = { statements: number };

export function counting(q: Sql, tally: StatementTally): Sql {
  return {
    query<R>(text: string, params?: readonly unknown[]) {
      tally.statements++;
      return q.query<R>(text, params);
    },
  };
}

// ---- value mapping ---------------------------------------------------------------------------
// int8 arrives as a string from node-postgres and as a number from PGlite; timestamps as Date from both.

export function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

export function toDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : toDate(v);
}

/** float8[] as a plain number array (a Float64Array would be serialised element by element as an object). */
export function floats(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => v);
}

/** `($1, $2), ($3, $4)`-style placeholders for a multi-row VALUES list, each column with its cast. */
export function valuesPlaceholders(rowCount: number, casts: readonly string[]): string {
  const rows: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r++) rows.push(`(${casts.map((c) => `$${++n}::${c}`).join(', ')})`);
  return rows.join(', ');
}
