// RDS Data API errors as the real service returns them: an HTTP status, the error name in
// x-amzn-ErrorType (the AWS SDK picks the exception class from it) and a JSON body with `message`.
// A PostgreSQL error's text is the JDBC rendering ("ERROR: msg", then "\n  Detail: ..." lines, then
// "; SQLState: XXXXX"), as reported for v2 clusters (DatabaseErrorException); docs/DRIVERS.md has the sources.
import pg from 'pg';

export class DataApiError extends Error {
  constructor(
    /** The exception name, e.g. BadRequestException. */
    readonly type: string,
    readonly status: number,
    message: string,
    /** Extra body members (StatementTimeoutException carries dbConnectionId). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...this.extra };
  }
}

// Exception names and messages of Aurora Serverless v2 and provisioned clusters (Serverless v1 answered most of these
// as BadRequestException): the AWS Aurora User Guide, "Comparing Amazon RDS Data API behaviors" (data-api.differences)
// and "Troubleshooting Amazon RDS Data API" (data-api.troubleshooting); HTTP statuses from the service model.

/** A malformed call (missing member, bad JSON, unknown operation). */
export const badRequest = (message: string) => new DataApiError('BadRequestException', 400, message);

/** Refused before running (not in the SDK's model: the SDK gives a plain RDSDataServiceException of that name). */
export const validation = (message: string) => new DataApiError('ValidationException', 400, message);

/** An error from PostgreSQL, or the service's own about a statement. */
export const databaseError = (message: string) => new DataApiError('DatabaseErrorException', 400, message);

/** Why a transaction id is unknown; the service appends one of these to the message. */
export const NOT_FOUND_CAUSE = {
  expired: 'Transaction may be expired.',
  ended: 'One previous call resulted in a termination of your transaction.',
  aborted: 'Transaction has been aborted due to an error from a previous call.',
} as const;

export const transactionNotFound = (id: string, cause: string = NOT_FOUND_CAUSE.expired) =>
  new DataApiError('TransactionNotFoundException', 404, `Transaction ${id} isn't found. ${cause}`);

export const transactionBusy = () => databaseError('Transaction is still running a query');

/** Multidimensional arrays, types the service does not map, and (documented under the same exception) size. */
export const unsupportedResult = (message: string) => new DataApiError('UnsupportedResultException', 400, message);

export const statementTimeout = (dbConnectionId: number) =>
  new DataApiError('StatementTimeoutException', 400, 'Request timed out', { dbConnectionId });

export const responseTooLarge = () => unsupportedResult('Database response exceeded size limit');

export const requestTooLarge = () => new DataApiError('RequestEntityTooLargeException', 413, 'Request entity too large');

/** No connection to the writer (a restart, a failover): the service's 504. */
export const databaseUnavailable = () => new DataApiError('DatabaseUnavailableException', 504, 'The database is unavailable.');

export const databaseResuming = () =>
  new DataApiError(
    'DatabaseResumingException',
    400,
    'The Aurora DB instance db-LOCALPEER0000 is resuming after being auto-paused. Please wait a few seconds and try again.',
  );

/**
 * A PostgreSQL error in the service's words: the JDBC driver's rendering of the server message
 * ("ERROR: msg", then Detail/Hint/Position/Where lines) followed by "; SQLState: XXXXX".
 */
export function fromPgError(error: pg.DatabaseError): DataApiError {
  const lines = [`${error.severity ?? 'ERROR'}: ${error.message}`];
  if (error.detail) lines.push(`  Detail: ${error.detail}`);
  if (error.hint) lines.push(`  Hint: ${error.hint}`);
  if (error.position) lines.push(`  Position: ${error.position}`);
  if (error.where) lines.push(`  Where: ${error.where}`);
  return databaseError(`${lines.join('\n')}; SQLState: ${error.code}`);
}

/** Maps anything thrown while serving a request to the error the service would send. */
export function toDataApiError(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  if (error instanceof pg.DatabaseError) return fromPgError(error);
  return new DataApiError('InternalServerErrorException', 500, error instanceof Error ? error.message : String(error));
}
