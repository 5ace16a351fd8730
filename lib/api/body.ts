// Reading the request body of an API Gateway v2 event: size limit first, then (signed routes) the signature over
// the exact bytes, then UTF-8, then JSON.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest, payloadTooLarge } from './http-error';

const utf8 = new TextDecoder('utf-8', { fatal: true });

type BodyEvent = Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>;

/** The raw body bytes as the client sent them (API Gateway base64-encodes bodies it considers binary). */
function bodyBytes(event: BodyEvent): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Throws 413 when the body exceeds the route's limit (API Gateway itself only caps at 10 MB). */
export function checkBodySize(size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw payloadTooLarge(
      maxBytes === 0 ? `this route takes no request body (got ${size} bytes)` : `request body is ${size} bytes; this route accepts at most ${maxBytes}`,
    );
  }
}

/** The raw body, 413 above `maxBytes` (routes without a body take 0 bytes, so anything sent is refused). */
export function requestBody(event: BodyEvent, maxBytes: number): Buffer {
  const bytes = bodyBytes(event);
  checkBodySize(bytes.length, maxBytes);
  return bytes;
}

/**
 * The body's JSON. 400 when it is missing, not UTF-8 or not JSON. JSON cannot carry NaN or Infinity; a number
 * too large for a double (1e400) parses as Infinity and is refused later by the schema (finite numbers only).
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw badRequest('a JSON request body is required');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest('request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the input; the client has it already, and logs need not.
    throw badRequest('request body is not valid JSON');
  }
}
