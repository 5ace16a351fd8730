// RDS Data API errors to typed errors. The service names its exceptions (the SDK's `name`), which decides most
// cases. A PostgreSQL error arrives as DatabaseErrorException (Serverless v2, provisioned) or BadRequestException
// (Serverless v1) whose only trace of the SQLSTATE is the message's "...; SQLState: 23505" suffix: reading it there
// is the one place this layer parses a message, because the service offers no field. Two shapes have no exception
// of their own in v1 and are read from the text as well: the 1 MiB result limit ("...size limit") and a lost
// transaction ("Transaction <id> is not found"). docs/DRIVERS.md lists the shapes and their sources.
import { toDbError } from '../../classify';
import {
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  LimitExceededError,
  QueryError,
  StatementTimeoutError,
  UnsupportedError,
  type DbError,
} from '../../errors';
import { redact, sanitizeCause } from '../../redact';
import { DATA_API_STATEMENT_LIMIT_MS } from '../../config';

const SQLSTATE_IN_MESSAGE = /SQLState: ([0-9A-Z]{5})\b/;
/** v2 "Database response exceeded size limit", v1 "...more than the allowed response size limit", the 64 KB row
 *  limit's "Packet for query is too large". */
const RESULT_TOO_LARGE = /size limit|too large/i;
/** v1 (BadRequestException) and the troubleshooting page's wording of an unknown transaction id. */
const TRANSACTION_NOT_FOUND = /^Transaction \S+ (?:is not|isn't) found/;
/** The JDBC rendering around PostgreSQL's own message: "ERROR: ", then Detail/Hint/Position/Where parts (on new
 *  lines, or run on after two spaces), then "; SQLState: XXXXX". */
const SEVERITY_PREFIX = /^(?:ERROR|FATAL|PANIC): /;
const DETAIL_PART = /\s{2}(?:Detail|Hint|Position|Where): /;
const SQLSTATE_SUFFIX = /; SQLState: [0-9A-Z]{5}\s*$/;
/** Socket errors meaning the request never reached the service: nothing ran. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type AwsErrorShape = { name?: unknown; message?: unknown; code?: unknown; $fault?: unknown };

export function isResuming(err: unknown): boolean {
  return (err as AwsErrorShape | null)?.name === 'DatabaseResumingException';
}

/**
 * The transaction id is unknown to the service: it expired, ended, was aborted by a failed call, or died with its
 * connection (a backend terminated, a failover). Either way it is rolled back.
 */
export function isTransactionGone(err: unknown): boolean {
  const e = (err ?? {}) as AwsErrorShape;
  return e.name === 'TransactionNotFoundException' || (e.name === 'BadRequestException' && TRANSACTION_NOT_FOUND.test(String(e.message)));
}

export function dataApiError(err: unknown): DbError {
  const e = (err ?? {}) as AwsErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = redact(String(e.message ?? err));
  const init = { cause: sanitizeCause(err) };
  const sqlstate = SQLSTATE_IN_MESSAGE.exec(message)?.[1];
  if (sqlstate) return toDbError({ code: sqlstate, message: primaryMessage(message) }, {});
  // Lost with its connection or forgotten: as a connection lost under a transaction (retryable), never a plain error.
  if (isTransactionGone(err)) return new ConnectionLostError(`the Data API no longer has the transaction, which is rolled back: ${message}`, init);
  switch (name) {
    case 'StatementTimeoutException':
      return new StatementTimeoutError(`the Data API stopped the statement at its ${DATA_API_STATEMENT_LIMIT_MS / 1000} s limit`, { ...init, limitMs: DATA_API_STATEMENT_LIMIT_MS });
    case 'UnsupportedResultException':
      // Documented under this exception: unsupported types, multidimensional arrays, and a result too large.
      if (RESULT_TOO_LARGE.test(message)) return new LimitExceededError(`result over the Data API 1 MiB limit: ${message}`, init);
      return new UnsupportedError(`the Data API cannot return this result (cast the column to text): ${message}`);
    case 'RequestEntityTooLargeException':
      return new LimitExceededError('request over the Data API 4 MiB limit', init);
    case 'DatabaseResumingException':
    case 'DatabaseUnavailableException':
    case 'ServiceUnavailableError':
    case 'ThrottlingException':
      return new ConnectionFailedError(message, init);
    case 'InternalServerErrorException':
      return new ConnectionLostError(message, init);
    case 'AccessDeniedException':
    case 'ForbiddenException':
    case 'InvalidSecretException':
    case 'SecretsErrorException':
      return new AuthenticationError(message, init);
    case 'DatabaseNotFoundException':
    case 'HttpEndpointNotEnabledException':
    case 'InvalidResourceStateException':
    case 'NotFoundException':
      return new ConnectionFailedError(message, { ...init, retryable: false });
    case 'BadRequestException':
      return RESULT_TOO_LARGE.test(message) ? new LimitExceededError(`result over the Data API 1 MiB limit: ${message}`, init) : new QueryError(message, init);
  }
  if (e.$fault !== undefined) return new QueryError(message, init);
  // Not a service answer: the HTTP request itself failed.
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && NOT_SENT.has(code)) return new ConnectionFailedError(message, init);
  return new ConnectionLostError(message, init);
}

/** PostgreSQL's own message, as the pg driver reports it: without the severity, the detail parts and the SQLState. */
function primaryMessage(message: string): string {
  const text = message.replace(SQLSTATE_SUFFIX, '').replace(SEVERITY_PREFIX, '');
  return text.split(DETAIL_PART)[0]!.split('\n')[0]!.trimEnd();
}
