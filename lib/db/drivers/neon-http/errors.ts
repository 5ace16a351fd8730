// neon() errors to typed errors. PostgreSQL errors carry their SQLSTATE in `code` (NeonDbError); transport
// failures carry the fetch error in `sourceError`; an HTTP status other than 400 is only in the message the
// library itself formats ("Server error (HTTP status 507): ..."), so that prefix is read. The one server text read
// is the proxy's refusal of a password, a 400 without a SQLSTATE (AuthError::PasswordFailed in Neon's
// proxy/src/auth/mod.rs): "password authentication failed for user '<role>'".
import { toDbError } from '../../classify';
import { AuthenticationError, ConnectionFailedError, ConnectionLostError, LimitExceededError, type DbError } from '../../errors';
import { redact, sanitizeCause } from '../../redact';

/** The request never reached the endpoint: nothing ran. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const LIBRARY_STATUS = /^Server error \(HTTP status (\d{3})\)/;
const PASSWORD_FAILED = /^password authentication failed for user /;

type NeonErrorShape = { code?: unknown; message?: unknown; sourceError?: { code?: unknown; cause?: { code?: unknown } } };

export function neonHttpError(err: unknown): DbError {
  const e = (err ?? {}) as NeonErrorShape;
  if (typeof e.code === 'string' && e.code !== '') return toDbError(err);
  const message = redact(String(e.message ?? err));
  const init = { cause: sanitizeCause(err) };
  if (e.sourceError) {
    const code = e.sourceError.cause?.code ?? e.sourceError.code;
    return typeof code === 'string' && NOT_SENT.has(code) ? new ConnectionFailedError(message, init) : new ConnectionLostError(message, init);
  }
  if (PASSWORD_FAILED.test(message)) return new AuthenticationError(message, init);
  const status = LIBRARY_STATUS.exec(message)?.[1];
  // 413: request body over the proxy's limit; 507: result over its response limit.
  if (status === '413' || status === '507') return new LimitExceededError(message, init);
  if (status?.startsWith('5')) return new ConnectionLostError(message, init);
  return toDbError(err);
}
