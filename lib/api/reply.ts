// Building API Gateway v2 results. Every response is JSON and carries the request id (header, and in error bodies).
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiErrorCode, Issue } from './http-error';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a route handler returns: a status and a JSON-serializable body. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });

export type ErrorBody = { error: { code: ApiErrorCode; message: string; requestId: string; issues?: Issue[] } };

/**
 * JSON out. Non-finite numbers (NaN "no score" cells, grid "no data" cells) become null: JSON has no NaN,
 * and null is also what requests use for "no data".
 */
export function toResult(reply: Reply, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = {
    ...reply.headers,
    [REQUEST_ID_HEADER]: requestId,
    'cache-control': 'no-store',
  };
  if (reply.body === undefined) return { statusCode: reply.status, headers };
  headers['content-type'] = 'application/json; charset=utf-8';
  return { statusCode: reply.status, headers, body: JSON.stringify(reply.body) };
}

export function errorReply(
  status: number,
  code: ApiErrorCode,
  message: string,
  requestId: string,
  extra: { headers?: Record<string, string>; issues?: Issue[] } = {},
): Reply {
  const error: ErrorBody['error'] = { code, message, requestId };
  if (extra.issues?.length) error.issues = extra.issues;
  return { status, body: { error } satisfies ErrorBody, headers: extra.headers };
}
