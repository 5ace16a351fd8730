// API Gateway v2 (HTTP API, payload format 2.0) events, shaped as API Gateway sends them, so the local server
// and the tests drive the handlers exactly as the cloud does.
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
const LOCAL_API_ID = 'localapi';

export type HttpRequestParts = {
  method: string;
  /** Path without the query string, as received (percent-encoded). */
  rawPath: string;
  /** Query string without '?', as received. */
  rawQueryString?: string;
  /** Header names in any case; repeated headers as arrays. */
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer;
  sourceIp?: string;
  /** The matched route key ('POST /geo/predictions'), or '$default'. */
  routeKey: string;
  protocol?: string;
  now?: Date;
  requestId?: string;
};

/** An API Gateway-style request id (base64 of random bytes, like `JFxzYhLqIAMEZ3w=`). */
export function newRequestId(): string {
  return randomBytes(10).toString('base64');
}

/** Text types API Gateway passes through as text; anything else arrives base64-encoded. */
const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)\b|[^;]*\+(json|xml)\b)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function apiGatewayEvent(req: HttpRequestParts): APIGatewayProxyEventV2 {
  const now = req.now ?? new Date();
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const values = Array.isArray(value) ? value : [value];
    // API Gateway moves cookies to their own array and joins other repeated headers with commas.
    if (key === 'cookie') cookies.push(...values.flatMap((v) => v.split(';').map((c) => c.trim())).filter(Boolean));
    else headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
  }
  const rawQueryString = req.rawQueryString ?? '';
  const query = queryParameters(rawQueryString);
  const requestId = req.requestId ?? newRequestId();
  const path = safeDecode(req.rawPath);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: req.routeKey,
    rawPath: req.rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName: headers.host ?? `${LOCAL_API_ID}.execute-api.${LOCAL_REGION}.amazonaws.com`,
      domainPrefix: (headers.host ?? LOCAL_API_ID).split('.')[0]!,
      http: {
        method: req.method.toUpperCase(),
        path,
        protocol: req.protocol ?? 'HTTP/1.1',
        sourceIp: req.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: req.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length) event.cookies = cookies;
  if (query) event.queryStringParameters = query;
  if (req.body && req.body.length > 0) {
    const text = TEXT_TYPE.test(headers['content-type'] ?? '') ? decodeText(req.body) : undefined;
    event.body = text ?? req.body.toString('base64');
    event.isBase64Encoded = text === undefined;
  }
  return event;
}

/** Decoded parameters; repeated names joined with commas (API Gateway v2 behaviour); absent when none. */
export function queryParameters(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return Object.keys(out).length ? out : undefined;
}

function decodeText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined; // not UTF-8 after all: sent base64-encoded, as API Gateway does for binary
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
