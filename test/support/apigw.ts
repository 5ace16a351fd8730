// Test helper: drives an HTTP handler with real-shaped API Gateway v2 events and Lambda contexts
// (the same builders the local server uses) and decodes its response.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routeKeyOf, routes, type RouteSpec } from '../../lib/app/functions';
import { apiGatewayEvent } from '../../dev/server/apigw-event';
import { lambdaContext } from '../../dev/server/lambda-context';
import type { Keypair } from '../../dev/miner/keys';
import { epistulaHeaders, type SignOptions } from '../../dev/miner/sign';
import { TEST_VALIDATOR } from './api-fixtures';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export type RequestOptions = {
  /** Serialized with JSON.stringify and sent as application/json. */
  json?: unknown;
  /** Raw body text or bytes (for malformed JSON, oversize bodies, binary). */
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Raw query string without '?'. */
  query?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Remaining invocation time; default the route's timeout from the table. */
  remainingMs?: number;
  /** Signs the request as this miner (Epistula v2 over the exact body bytes), for TEST_VALIDATOR by default. */
  signer?: Keypair;
  /** Overrides parts of the signature (a stale timestamp, a reused uuid, another recipient). */
  sign?: Partial<SignOptions>;
};

export function routeSpec(key: string): RouteSpec {
  const spec = routes.find((r) => routeKeyOf(r) === key);
  if (!spec) throw new Error(`no route ${key}`);
  return spec;
}

export function httpEvent(key: string, options: RequestOptions = {}): APIGatewayProxyEventV2 {
  const spec = routeSpec(key);
  const headers: Record<string, string> = { host: 'localhost', 'user-agent': 'vitest', ...options.headers };
  let body: Buffer | undefined;
  if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json));
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  if (body) headers['content-length'] = String(body.length);
  if (options.signer) Object.assign(headers, epistulaHeaders(options.signer, body ?? Buffer.alloc(0), { signedFor: TEST_VALIDATOR.address, ...options.sign }));
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return apiGatewayEvent({ method: spec.method, rawPath: spec.path, rawQueryString: options.query, headers, body, routeKey: key });
}

export function contextFor(key: string, remainingMs?: number): Context {
  const spec = routeSpec(key);
  return lambdaContext(remainingMs === undefined ? spec : { ...spec, timeoutSeconds: remainingMs / 1000 });
}

export type Response = {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when there is none). */
  json: any;
  requestId: string;
};

export async function invoke(handler: HttpHandler, key: string, options: RequestOptions = {}): Promise<Response> {
  const event = httpEvent(key, options);
  const result = await handler(event, contextFor(key, options.remainingMs));
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    status: result.statusCode ?? 200,
    headers,
    json: result.body === undefined ? undefined : JSON.parse(result.body),
    requestId: event.requestContext.requestId,
  };
}
