// The local stand-in for API Gateway: HTTP request -> API Gateway v2 event -> the route's handler -> HTTP response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { RouteSpec } from '../../lib/app/functions';
import { BodyTooLargeError, readBody, sendJson } from '../peers/http-util';
import { apiGatewayEvent, newRequestId } from './apigw-event';
import { lambdaContext } from './lambda-context';
import { matchRoute } from './router';

export type RouteHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** API Gateway's own cap on request bodies; the handlers enforce their smaller per-route limits. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export type Gateway = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function gateway(routes: readonly { spec: RouteSpec; handler: RouteHandler }[], log: (line: string) => void): Gateway {
  const table = routes.map((r) => r.spec);
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = matchRoute(table, req.method ?? 'GET', url.pathname);
    // API Gateway's own answers for unrouted requests.
    if (match.kind === 'not-found') return sendJson(res, 404, { message: 'Not Found' }, { 'x-request-id': newRequestId() });
    if (match.kind === 'method-not-allowed') {
      return sendJson(res, 404, { message: 'Not Found' }, { allow: match.allow.join(', '), 'x-request-id': newRequestId() });
    }
    const route = routes.find((r) => r.spec === match.route)!;
    let body: Buffer;
    try {
      body = await readBody(req, GATEWAY_MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { message: 'Request Entity Too Large' });
      throw err;
    }
    const event = apiGatewayEvent({
      method: req.method ?? 'GET',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
      routeKey: match.routeKey,
      protocol: `HTTP/${req.httpVersion}`,
    });
    let result: APIGatewayProxyResultV2;
    try {
      result = await route.handler(event, lambdaContext(route.spec));
    } catch (err) {
      // What API Gateway answers when the integration fails.
      log(`${match.routeKey}: handler threw ${(err as Error)?.name ?? 'error'}: ${(err as Error)?.message ?? String(err)}`);
      return sendJson(res, 500, { message: 'Internal Server Error' }, { 'x-request-id': event.requestContext.requestId });
    }
    writeResult(res, result, req.method === 'HEAD');
  };
}

/** Writes a handler result as API Gateway v2 does (a bare value is 200 JSON). */
function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2, head: boolean): void {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(head ? undefined : text);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const payload = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  if (payload) headers['content-length'] = String(payload.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(head ? undefined : payload);
}
