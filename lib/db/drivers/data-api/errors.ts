// RDS Data API errors to typed errors. The service names its exceptions (the SDK's `name`), which decides most
// cases. A PostgreSQL error arrives as BadRequestException/DatabaseErrorException whose only trace of the
// SQLSTATE is the message's "...; SQLState: 23505" suffix: reading it there is the one place this layer parses a
// message, because the service offers no field. The same holds for the 1 MiB result limit ("...response size
// limit"), which has no exception of its own.
import { toDbError } from '../../classify';
import {
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  IdleInTransactionTimeoutError,
  LimitExceededError,
  QueryError,
  StatementTimeoutError,
  type DbError,
} from '../../errors';
import { redact, sanitizeCause } from '../../redact';
import { DATA_API_STATEMENT_LIMIT_MS } from '../../config';

const SQLSTATE_IN_MESSAGE = /SQLState: ([0-9A-Z]{5})\b/;
const RESULT_TOO_LARGE = /response size limit/i;
/** Socket errors meaning the request never reached the service: nothing ran. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type AwsErrorShape = { name?: unknown; message?: unknown; code?: unknown; $fault?: unknown };

export function isResuming(err: unknown): boolean {
  return (err as AwsErrorShape | null)?.name === 'DatabaseResumingException';
}

export function dataApiError(err: unknown): DbError {
  const e = (err ?? {}) as AwsErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = redact(String(e.message ?? err));
  const init = { cause: sanitizeCause(err) };
  const sqlstate = SQLSTATE_IN_MESSAGE.exec(message)?.[1];
  if (sqlstate) return toDbError({ code: sqlstate, message }, {});
  switch (name) {
    case 'StatementTimeoutException':
      return new StatementTimeoutError(`the Data API stopped the statement at its ${DATA_API_STATEMENT_LIMIT_MS / 1000} s limit`, { ...init, limitMs: DATA_API_STATEMENT_LIMIT_MS });
    case 'TransactionNotFoundException':
      return new IdleInTransactionTimeoutError('the Data API no longer knows the transaction (expired after 3 minutes without a call); it was rolled back', init);
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
