// The timeout hierarchy in code: clamping to a deadline and the one-round-trip BEGIN.
import { ConfigError } from './errors';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';
const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read committed', 'repeatable read', 'serializable'];

/** Milliseconds left before `deadlineAt`, never more than `limitMs`, at least 1 (PostgreSQL treats 0 as "off"). */
export function clampToDeadline(limitMs: number, deadlineAt: number, now = Date.now()): number {
  return Math.max(1, Math.min(limitMs, Math.floor(deadlineAt - now)));
}

export type ServerTimeouts = { statementMs: number; lockMs: number; idleInTransactionMs: number };

export type BeginOptions = {
  isolation: IsolationLevel | undefined;
  readOnly: boolean;
  /** Server-side limits for this transaction; omitted when the profile takes them from role defaults. */
  serverTimeouts?: ServerTimeouts;
  /** What the connection has outside any transaction (startup parameters), when known. */
  sessionTimeouts?: ServerTimeouts;
};

/**
 * BEGIN plus SET LOCAL of every server-side timeout, sent as one simple-protocol message: one round trip,
 * and nothing outlives the transaction on a pooled server connection.
 */
export function beginStatement(o: BeginOptions): string {
  return beginStatements(o).join('; ');
}

/**
 * The same, one statement each: the extended protocol (a pipelined unit, drivers/pg/pipeline.ts) parses one
 * statement per message.
 */
export function beginStatements(o: BeginOptions): string[] {
  if (o.isolation !== undefined && !ISOLATION_LEVELS.includes(o.isolation)) {
    throw new ConfigError(`isolation must be one of ${ISOLATION_LEVELS.join(', ')}; got "${String(o.isolation)}"`);
  }
  let begin = 'BEGIN';
  if (o.isolation) begin += ` ISOLATION LEVEL ${o.isolation.toUpperCase()}`;
  if (o.readOnly) begin += ' READ ONLY';
  const sql = [begin];
  const t = o.serverTimeouts;
  const d = o.sessionTimeouts;
  if (t) {
    // A value the connection already has (its startup parameter) needs no SET LOCAL: less work for the server.
    if (t.statementMs !== d?.statementMs) sql.push(`SET LOCAL statement_timeout = ${int(t.statementMs)}`);
    if (t.lockMs !== d?.lockMs) sql.push(`SET LOCAL lock_timeout = ${int(t.lockMs)}`);
    if (t.idleInTransactionMs !== d?.idleInTransactionMs) sql.push(`SET LOCAL idle_in_transaction_session_timeout = ${int(t.idleInTransactionMs)}`);
  }
  return sql;
}

function int(ms: number): number {
  // Interpolated into SQL: only ever a positive integer.
  const v = Math.max(1, Math.floor(ms));
  if (!Number.isSafeInteger(v)) throw new ConfigError(`timeout out of range: ${ms}`);
  return v;
}
