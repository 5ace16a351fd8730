// The one error type the HTTP layer answers with its own status: everything a client did wrong (and a few
// server states the client should know about) is an HttpError; anything else becomes a generic 500.

/** Stable, machine-readable error codes of the API (UPPER_SNAKE like the database layer's). */
export const ApiErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INTERNAL: 'INTERNAL',
  UNAVAILABLE: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** One failed check of the request: where (dotted path, `body.` or `query.` first) and what. */
export type Issue = { path: string; message: string };

export type HttpErrorInit = {
  headers?: Record<string, string>;
  issues?: Issue[];
  cause?: unknown;
};

export class HttpError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly headers: Record<string, string>;
  readonly issues: Issue[] | undefined;

  constructor(status: number, code: ApiErrorCode, message: string, init: HttpErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = init.headers ?? {};
    this.issues = init.issues;
  }
}

export const badRequest = (message: string) => new HttpError(400, ApiErrorCode.BAD_REQUEST, message);
export const notFound = (message: string) => new HttpError(404, ApiErrorCode.NOT_FOUND, message);
export const payloadTooLarge = (message: string) => new HttpError(413, ApiErrorCode.PAYLOAD_TOO_LARGE, message);

/** 422: the request is well-formed JSON but a field breaks a rule. The message names the field. */
export function unprocessable(path: string, message: string): HttpError {
  return new HttpError(422, ApiErrorCode.VALIDATION_FAILED, `${path}: ${message}`, { issues: [{ path, message }] });
}
