// RDS Data API errors as the real service returns them: an HTTP status, the error name in
// x-amzn-ErrorType (the AWS SDK picks the exception class from it) and a JSON body with `message`.
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

export const badRequest = (message: string) => new DataApiError('BadRequestException', 400, message);

export const transactionNotFound = (id: string) => badRequest(`Transaction ${id} is not found`);

export const transactionBusy = () => new DataApiError('DatabaseErrorException', 400, 'Transaction is still running a query');

export const statementTimeout = (dbConnectionId: number) =>
  new DataApiError('StatementTimeoutException', 400, 'Request timed out', { dbConnectionId });

export const responseTooLarge = () => badRequest('Database returned more than the allowed response size limit');

export const requestTooLarge = () => new DataApiError('RequestEntityTooLargeException', 413, 'Request entity too large');

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
  return badRequest(`${lines.join('\n')}; SQLState: ${error.code}`);
}

/** Maps anything thrown while serving a request to the error the service would send. */
export function toDataApiError(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  if (error instanceof pg.DatabaseError) return fromPgError(error);
  return new DataApiError('InternalServerErrorException', 500, error instanceof Error ? error.message : String(error));
}
