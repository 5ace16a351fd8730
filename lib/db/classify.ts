// Decides the typed error for a driver error: by SQLSTATE class and driver error codes, never by message.
import {
  AuthenticationError,
  BadInputError,
  ConnectionFailedError,
  ConnectionLostError,
  ConstraintViolationError,
  DbError,
  DeadlockError,
  IdleInTransactionTimeoutError,
  LockTimeoutError,
  QueryError,
  SerializationFailureError,
  StatementTimeoutError,
  TooManyConnectionsError,
  type ConstraintKind,
} from './errors';
import { redact, sanitizeCause } from './redact';

/** Node socket errors that mean the peer is gone or unreachable. */
const SOCKET_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_STREAM_DESTROYED', 'ERR_SOCKET_CLOSED']);
const CONNECT_FAILED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

const CONSTRAINT_BY_SQLSTATE: Record<string, ConstraintKind> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
  '23P01': 'exclusion',
};

export type ClassifyContext = {
  /** The driver saw the connection die (socket end/error) before or during this call. */
  connectionDead?: boolean;
  /** Opening a connection rather than running a statement on one. */
  connecting?: boolean;
};

type RawDriverError = {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

export function sqlstateOf(err: unknown): string | undefined {
  const code = (err as RawDriverError | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}

export function toDbError(err: unknown, ctx: ClassifyContext = {}): DbError {
  if (err instanceof DbError) return err;
  const raw = (err ?? {}) as RawDriverError;
  const message = redact(String(raw.message ?? err));
  const cause = sanitizeCause(err);
  const sqlstate = sqlstateOf(err);

  if (sqlstate) {
    const init = { sqlstate, cause };
    const cls = sqlstate.slice(0, 2);
    const constraintKind = CONSTRAINT_BY_SQLSTATE[sqlstate];
    if (constraintKind) {
      return new ConstraintViolationError(constraintKind, message, {
        ...init,
        constraint: str(raw.constraint),
        table: str(raw.table),
        column: str(raw.column),
      });
    }
    switch (sqlstate) {
      case '40001': return new SerializationFailureError(message, init);
      case '40P01': return new DeadlockError(message, init);
      case '57014': return new StatementTimeoutError(message, init);
      case '55P03': return new LockTimeoutError(message, init);
      case '25P03': return new IdleInTransactionTimeoutError(message, init);
      case '53300': return new TooManyConnectionsError(message, init);
      case '57P01': // admin_shutdown (pg_terminate_backend)
      case '57P02': // crash_shutdown
      case '57P05': // idle_session_timeout
        return new ConnectionLostError(message, init);
      case '57P03': // cannot_connect_now (starting up / shutting down)
        return new ConnectionFailedError(message, init);
    }
    switch (cls) {
      case '08': return ctx.connecting ? new ConnectionFailedError(message, init) : new ConnectionLostError(message, init);
      case '28': return new AuthenticationError(message, init);
      case '22': return new BadInputError(message, init);
      case '53': return new QueryError(message, { ...init, retryable: true }); // insufficient resources: transient
      case '40': return new QueryError(message, { ...init, retryable: true });
    }
    return new QueryError(message, init);
  }

  const nodeCode = typeof raw.code === 'string' ? raw.code : undefined;
  if (ctx.connecting) {
    // A socket that dies before the startup completes (a proxy or pooler resetting it) failed to open, not lost.
    if (!nodeCode || CONNECT_FAILED.has(nodeCode) || SOCKET_LOST.has(nodeCode) || ctx.connectionDead) return new ConnectionFailedError(message, { cause });
  }
  if (ctx.connectionDead || (nodeCode !== undefined && SOCKET_LOST.has(nodeCode))) {
    return new ConnectionLostError(message, { cause });
  }
  return new QueryError(message, { cause });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
