// Typed errors of the database layer. Every driver error is wrapped once, at the query boundary,
// into one of these; callers branch on `code` / `retryable`, never on message text.

export const ErrorCode = {
  CONNECTION_LOST: 'CONNECTION_LOST',
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  POOL_EXHAUSTED: 'POOL_EXHAUSTED',
  STATEMENT_TIMEOUT: 'STATEMENT_TIMEOUT',
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
  IDLE_IN_TRANSACTION_TIMEOUT: 'IDLE_IN_TRANSACTION_TIMEOUT',
  TRANSACTION_TIMEOUT: 'TRANSACTION_TIMEOUT',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  SERIALIZATION_FAILURE: 'SERIALIZATION_FAILURE',
  DEADLOCK_DETECTED: 'DEADLOCK_DETECTED',
  UNIQUE_VIOLATION: 'UNIQUE_VIOLATION',
  FOREIGN_KEY_VIOLATION: 'FOREIGN_KEY_VIOLATION',
  CHECK_VIOLATION: 'CHECK_VIOLATION',
  NOT_NULL_VIOLATION: 'NOT_NULL_VIOLATION',
  EXCLUSION_VIOLATION: 'EXCLUSION_VIOLATION',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  BAD_INPUT: 'BAD_INPUT',
  QUERY_FAILED: 'QUERY_FAILED',
  SESSION_CLOSED: 'SESSION_CLOSED',
  UNSUPPORTED: 'UNSUPPORTED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  SCHEMA_BEHIND: 'SCHEMA_BEHIND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type TimeoutKind =
  | 'connect'
  | 'acquire'
  | 'validation'
  | 'statement'
  | 'lock'
  | 'idle_in_transaction'
  | 'transaction'
  | 'deadline';

type DbErrorInit = { sqlstate?: string; cause?: unknown; retryable?: boolean };

/**
 * Where in a pipelined unit (several statements in one round trip) an error happened: its BEGIN (with the
 * settings), its COMMIT, or one of the caller's statements, named by position and fingerprint, never by values.
 */
export type FailedStep =
  | { part: 'begin' | 'commit' }
  | { part: 'statement'; index: number; of: number; fingerprint: string; statement: string };

export class DbError extends Error {
  readonly code: ErrorCode;
  readonly sqlstate: string | undefined;
  readonly retryable: boolean;
  /** Set when the error ended a pipelined unit: which step of it failed (absent otherwise). */
  declare failedAt?: FailedStep;

  constructor(code: ErrorCode, message: string, retryable: boolean, init: DbErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = code;
    this.sqlstate = init.sqlstate;
    this.retryable = init.retryable ?? retryable;
  }

  /** The SQLSTATE class (first two characters), e.g. '08' for connection exceptions. */
  get sqlstateClass(): string | undefined {
    return this.sqlstate?.slice(0, 2);
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, code: this.code, sqlstate: this.sqlstate, retryable: this.retryable, message: this.message };
    if (this.failedAt) json.failedAt = this.failedAt;
    return json;
  }
}

/** The connection died under a statement (socket closed, backend terminated, server shut down). */
export class ConnectionLostError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.CONNECTION_LOST, message, true, init);
  }
}

/** No connection could be opened (refused, DNS, TLS). */
export class ConnectionFailedError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.CONNECTION_FAILED, message, true, init);
  }
}

export class AuthenticationError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.AUTHENTICATION_FAILED, message, false, init);
  }
}

/** Base of every timeout; `kind` says which limit of the hierarchy was hit. */
export class TimeoutError extends DbError {
  readonly kind: TimeoutKind;
  readonly limitMs: number | undefined;
  constructor(code: ErrorCode, kind: TimeoutKind, message: string, retryable: boolean, init: DbErrorInit & { limitMs?: number } = {}) {
    super(code, message, retryable, init);
    this.kind = kind;
    this.limitMs = init.limitMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.kind, limitMs: this.limitMs };
  }
}

type TimeoutInit = DbErrorInit & { limitMs?: number };

export class ConnectTimeoutError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.CONNECT_TIMEOUT, 'connect', message, true, init);
  }
}

/** Waited the acquire timeout in the pool queue without getting a connection. */
export class PoolExhaustedError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.POOL_EXHAUSTED, 'acquire', message, true, init);
  }
}

/** SQLSTATE 57014: canceled by statement_timeout (or a cancel request). */
export class StatementTimeoutError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.STATEMENT_TIMEOUT, 'statement', message, true, init);
  }
}

/** SQLSTATE 55P03: lock_timeout (or NOWAIT) while waiting for a lock. */
export class LockTimeoutError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.LOCK_TIMEOUT, 'lock', message, true, init);
  }
}

/** SQLSTATE 25P03: the server ended a session left idle inside a transaction. */
export class IdleInTransactionTimeoutError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.IDLE_IN_TRANSACTION_TIMEOUT, 'idle_in_transaction', message, false, init);
  }
}

/** The whole transaction callback outran its timeout; rolled back, connection destroyed. */
export class TransactionTimeoutError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.TRANSACTION_TIMEOUT, 'transaction', message, true, init);
  }
}

/** The session's deadline (e.g. the Lambda's remaining time) passed. Not retryable within the invocation. */
export class DeadlineExceededError extends TimeoutError {
  constructor(message: string, init: TimeoutInit = {}) {
    super(ErrorCode.DEADLINE_EXCEEDED, 'deadline', message, false, init);
  }
}

export class SerializationFailureError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.SERIALIZATION_FAILURE, message, true, init);
  }
}

export class DeadlockError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.DEADLOCK_DETECTED, message, true, init);
  }
}

export type ConstraintKind = 'unique' | 'foreign_key' | 'check' | 'not_null' | 'exclusion';
const constraintCodes: Record<ConstraintKind, ErrorCode> = {
  unique: ErrorCode.UNIQUE_VIOLATION,
  foreign_key: ErrorCode.FOREIGN_KEY_VIOLATION,
  check: ErrorCode.CHECK_VIOLATION,
  not_null: ErrorCode.NOT_NULL_VIOLATION,
  exclusion: ErrorCode.EXCLUSION_VIOLATION,
};

export class ConstraintViolationError extends DbError {
  readonly kind: ConstraintKind;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  constructor(kind: ConstraintKind, message: string, init: DbErrorInit & { constraint?: string; table?: string; column?: string } = {}) {
    super(constraintCodes[kind], message, false, init);
    this.kind = kind;
    this.constraint = init.constraint;
    this.table = init.table;
    this.column = init.column;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.kind, constraint: this.constraint, table: this.table, column: this.column };
  }
}

/** SQLSTATE 53300: the server has no connection slot left. Transient. */
export class TooManyConnectionsError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.TOO_MANY_CONNECTIONS, message, true, init);
  }
}

/** Data the server refused as a value (SQLSTATE class 22), or input we refused before sending. */
export class BadInputError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.BAD_INPUT, message, false, init);
  }
}

/** Any other server error; `sqlstate` tells which. */
export class QueryError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.QUERY_FAILED, message, false, init);
  }
}

/** The session or transaction was used after it ended (often: a forgotten await). */
export class SessionClosedError extends DbError {
  constructor(message: string) {
    super(ErrorCode.SESSION_CLOSED, message, false);
  }
}

/** A feature the configured driver or profile cannot offer; refused explicitly. */
export class UnsupportedError extends DbError {
  constructor(message: string) {
    super(ErrorCode.UNSUPPORTED, message, false);
  }
}

/**
 * A statement refused before it was sent: it would outlive its session on a pooled connection (transaction control
 * outside `session.transaction()`, session-level settings), or a proxy profile forbids it. The message names what
 * to use instead.
 */
export class StatementRefusedError extends UnsupportedError {
  /** The command refused (BEGIN, SET, set_config, ...): never the statement's text or values. */
  readonly statement: string;
  constructor(message: string, statement: string) {
    super(message);
    this.statement = statement;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), statement: this.statement };
  }
}

/** A service limit (result size, request size) was exceeded. */
export class LimitExceededError extends DbError {
  constructor(message: string, init: DbErrorInit = {}) {
    super(ErrorCode.LIMIT_EXCEEDED, message, false, init);
  }
}

/** The database lacks migrations the code needs (a deployment whose migrations have not run yet). */
export class SchemaBehindError extends DbError {
  /** Tag of the newest migration the code needs. */
  readonly required: string;
  /** `when` (journal millis) of the newest migration applied, or null when none is. */
  readonly appliedAt: number | null;
  constructor(message: string, init: { required: string; appliedAt: number | null }) {
    super(ErrorCode.SCHEMA_BEHIND, message, true);
    this.required = init.required;
    this.appliedAt = init.appliedAt;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), required: this.required, appliedAt: this.appliedAt };
  }
}

export class ConfigError extends DbError {
  constructor(message: string) {
    super(ErrorCode.CONFIG_INVALID, message, false);
  }
}

export function isDbError(err: unknown): err is DbError {
  return err instanceof DbError;
}

/** A timeout our own timer raised (no SQLSTATE): the connection was cancelled and is being destroyed. */
export function isClientTimeout(err: unknown): boolean {
  return err instanceof TimeoutError && err.sqlstate === undefined;
}
