// Errors -> responses, in one table. Clients get a status, a stable code and a safe message; the raw error
// (stack, SQL, driver text) only reaches the logs, where lib/db has already scrubbed secrets from it.
import {
  AuthenticationError,
  BadInputError,
  ConnectionFailedError,
  ConnectionLostError,
  ConnectTimeoutError,
  ConstraintViolationError,
  DeadlineExceededError,
  DeadlockError,
  IdleInTransactionTimeoutError,
  LockTimeoutError,
  PoolExhaustedError,
  SchemaBehindError,
  SerializationFailureError,
  StatementTimeoutError,
  TooManyConnectionsError,
  TransactionTimeoutError,
} from '../db';
import { NotFoundError, ReplayError, SubmissionWindowError, UnregisteredMinerError, UnregisteredSignerError } from '../validator';
import { ApiErrorCode, HttpError } from './http-error';
import { unauthorized } from './identity';
import { errorReply, type Reply } from './reply';

/** Seconds a client should wait before retrying a 503 (a pool frees up or a connection is re-opened quickly). */
export const RETRY_AFTER_SECONDS = 1;
/** Seconds to wait when the schema is behind: the deployment's migrations take a while. */
export const SCHEMA_RETRY_AFTER_SECONDS = 30;

export type Severity = 'info' | 'warn' | 'error';
export type MappedError = { reply: Reply; severity: Severity };

type Rule = { match: (err: unknown) => boolean; map: (err: unknown, requestId: string) => Reply; severity: Severity };

const is =
  (...types: (abstract new (...args: never[]) => unknown)[]) =>
  (err: unknown) =>
    types.some((t) => err instanceof t);

const unavailable = (requestId: string) =>
  errorReply(503, ApiErrorCode.UNAVAILABLE, 'the database is busy or unreachable; retry shortly', requestId, {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });

const rules: Rule[] = [
  { match: is(HttpError), severity: 'info', map: (err, id) => fromHttpError(err as HttpError, id) },
  {
    // A deployment whose migrations have not run (or failed): nothing is served on a schema the code does not know.
    match: is(SchemaBehindError),
    severity: 'error',
    map: (_err, id) =>
      errorReply(503, ApiErrorCode.UNAVAILABLE, 'the database schema is behind this version of the service (migrations pending); retry later', id, {
        headers: { 'retry-after': String(SCHEMA_RETRY_AFTER_SECONDS) },
      }),
  },
  {
    // Transient: no connection to be had right now. Conflicts that survived the retries are transient too.
    match: is(PoolExhaustedError, ConnectionLostError, ConnectionFailedError, ConnectTimeoutError, TooManyConnectionsError, SerializationFailureError, DeadlockError),
    severity: 'warn',
    map: (_err, id) => unavailable(id),
  },
  {
    match: is(DeadlineExceededError, TransactionTimeoutError, StatementTimeoutError, LockTimeoutError, IdleInTransactionTimeoutError),
    severity: 'warn',
    map: (_err, id) => errorReply(504, ApiErrorCode.TIMEOUT, 'the request did not finish in time; nothing was committed unless a later read shows it', id),
  },
  {
    match: is(ConstraintViolationError),
    severity: 'info',
    map: (err, id) => {
      const c = err as ConstraintViolationError;
      return errorReply(409, ApiErrorCode.CONFLICT, `conflicts with stored data (${c.kind}${c.constraint ? ` ${c.constraint}` : ''})`, id);
    },
  },
  {
    // The hotkey a miner request speaks for holds no slot (or lost it since the request's first read).
    match: is(UnregisteredMinerError),
    severity: 'info',
    map: (_err, id) => {
      const issue = { path: 'body.hotkey', message: 'not registered in the metagraph' };
      return errorReply(422, ApiErrorCode.VALIDATION_FAILED, `${issue.path}: ${issue.message}`, id, { issues: [issue] });
    },
  },
  {
    // A valid signature by a key that holds no slot: not a miner of this subnet (the same answer as a bad signature's).
    match: is(UnregisteredSignerError),
    severity: 'info',
    map: (_err, id) => fromHttpError(unauthorized('Epistula-Signed-By: not a registered miner hotkey'), id),
  },
  {
    // The uuid of an accepted request, sent again by the same signer: a replay (or a retry of a request that was stored).
    match: is(ReplayError),
    severity: 'info',
    map: (_err, id) => errorReply(409, ApiErrorCode.CONFLICT, 'Epistula-Uuid: already used by this signer (a replayed request); nothing was written', id),
  },
  {
    // Outside the submission window by the server's clock: named by the field the window belongs to.
    match: is(SubmissionWindowError),
    severity: 'info',
    map: (err, id) => {
      const e = err as SubmissionWindowError;
      const issue = { path: `body.${e.field}`, message: e.message };
      return errorReply(422, ApiErrorCode.VALIDATION_FAILED, `${issue.path}: ${issue.message}`, id, { issues: [issue] });
    },
  },
  {
    // A domain rule of the repositories (their message is ours, safe to show), or a value the server refused
    // (SQLSTATE class 22: its text may quote the statement, so it is not passed on).
    match: is(BadInputError),
    severity: 'info',
    map: (err, id) => {
      const e = err as BadInputError;
      const message = e.sqlstate === undefined ? e.message : `a value was refused by the database (SQLSTATE ${e.sqlstate})`;
      return errorReply(422, ApiErrorCode.VALIDATION_FAILED, message, id);
    },
  },
  // A record the request refers to does not exist (an unknown region).
  { match: is(NotFoundError), severity: 'info', map: (err, id) => errorReply(404, ApiErrorCode.NOT_FOUND, (err as NotFoundError).message, id) },
  // A misconfigured credential is our fault, not the client's: a 500 like any other, logged as an error.
  { match: is(AuthenticationError), severity: 'error', map: (_err, id) => internal(id) },
];

function fromHttpError(err: HttpError, requestId: string): Reply {
  return errorReply(err.status, err.code, err.message, requestId, { headers: err.headers, issues: err.issues });
}

function internal(requestId: string): Reply {
  return errorReply(500, ApiErrorCode.INTERNAL, `internal error; quote request id ${requestId}`, requestId);
}

/** The response for an error thrown anywhere in a request, and how loudly to log it. */
export function replyForError(err: unknown, requestId: string): MappedError {
  for (const rule of rules) {
    if (rule.match(err)) return { reply: rule.map(err, requestId), severity: rule.severity };
  }
  return { reply: internal(requestId), severity: 'error' };
}
