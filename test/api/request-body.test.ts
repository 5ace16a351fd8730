// Body handling before any database work: 413 by the route's limit, then (a miner route) the signature over the
// raw bytes, 400 for unreadable JSON, 422 for schema faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fields, httpRoute } from '../../lib/api';
import { createDatabase } from '../../lib/db';
import { invoke as send, routeSpec, type HttpHandler, type RequestOptions } from '../support/apigw';
import { keypairFor, TEST_VALIDATOR } from '../support/api-fixtures';

const db = createDatabase();
beforeAll(() => {
  process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
});
afterAll(() => db.close());

const ROUTE = 'POST /geo/predictions'; // 4 KiB limit, a miner route: every request here is signed
let calls = 0;
const handler = httpRoute({ route: ROUTE, db, miner: true, body: z.strictObject({ value: fields.finite, hour: fields.isoHour.optional() }) }, async ({ body }) => {
  calls++;
  return { status: 200, body: { value: body.value, hour: body.hour } };
});
const invoke = (h: HttpHandler, key: string, options: RequestOptions) => send(h, key, { signer: keypairFor(1), ...options });

describe('request body', () => {
  it('accepts a valid body (plain and base64-encoded as API Gateway sends binary)', async () => {
    // Act
    const plain = await invoke(handler, ROUTE, { json: { value: 1.5, hour: '2024-05-01T13:00:00Z' } });
    const base64 = await invoke(handler, ROUTE, { body: Buffer.from('{"value":2}'), contentType: 'application/octet-stream' });
    // Assess
    expect(plain.status).toBe(200);
    expect(plain.json).toEqual({ value: 1.5, hour: '2024-05-01T13:00:00.000Z' });
    expect(base64.status).toBe(200);
    expect(base64.json.value).toBe(2);
  });

  it('413 above the route limit, with a message, and the handler never runs (before any signature work)', async () => {
    // Prepare
    const limit = routeSpec(ROUTE).maxBodyBytes;
    const before = calls;
    // Act
    const res = await send(handler, ROUTE, { body: JSON.stringify({ value: 1, pad: 'x'.repeat(limit) }) });
    // Assess
    expect(res.status).toBe(413);
    expect(res.json.error.message).toContain(String(limit));
    expect(calls).toBe(before);
  });

  it('400 for a body that is not JSON, not UTF-8, or missing', async () => {
    const notJson = await invoke(handler, ROUTE, { body: '{"value": 1,' });
    const notUtf8 = await invoke(handler, ROUTE, { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), contentType: 'application/octet-stream' });
    const missing = await invoke(handler, ROUTE, {});
    expect([notJson.status, notUtf8.status, missing.status]).toEqual([400, 400, 400]);
    expect(notJson.json.error.message).toBe('request body is not valid JSON');
    expect(notUtf8.json.error.message).toContain('UTF-8');
    expect(missing.json.error.message).toContain('required');
  });

  it.each([
    ['a string number', '{"value":"1"}', 'body.value'],
    ['"NaN" as a string', '{"value":"NaN"}', 'body.value'],
    ['"Infinity" as a string', '{"value":"Infinity"}', 'body.value'],
    ['a number too large for a double (parses as Infinity)', '{"value":1e400}', 'body.value'],
    ['null', '{"value":null}', 'body.value'],
    ['an unknown field', '{"value":1,"extra":true}', 'body.extra'],
    ['a body that is an array', '[1]', 'body'],
    ['an hour that is not the start of an hour', '{"value":1,"hour":"2024-05-01T13:30:00Z"}', 'body.hour'],
    ['an hour without a time zone', '{"value":1,"hour":"2024-05-01T13:00:00"}', 'body.hour'],
    ['an impossible date', '{"value":1,"hour":"2024-02-30T13:00:00Z"}', 'body.hour'],
  ])('422 for %s, naming the field', async (_case, body, path) => {
    // Act
    const res = await invoke(handler, ROUTE, { body });
    // Assess
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.message.startsWith(`${path}:`)).toBe(true);
    expect(res.json.error.issues[0].path).toBe(path);
  });

  it('an unsigned body is refused before it is parsed: 401, not 400 or 422', async () => {
    const res = await send(handler, ROUTE, { body: '{"value": 1,' });
    expect(res.status).toBe(401);
  });

  it('a GET route refuses any body (its limit is 0 bytes) and unknown query parameters', async () => {
    // Prepare
    const get = httpRoute({ route: 'GET /miners', db }, async () => ({ status: 200, body: [] }));
    // Act
    const withBody = await send(get, 'GET /miners', { body: '{}' });
    const withQuery = await send(get, 'GET /miners', { query: 'x=1' });
    // Assess
    expect(withBody.status).toBe(413);
    expect(withQuery.status).toBe(422);
    expect(withQuery.json.error.message).toMatch(/^query\.x:/);
  });
});
