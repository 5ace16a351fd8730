// Admin routes: Bearer token compared in constant time; missing or wrong -> 401 with WWW-Authenticate;
// no token configured -> 503, never open. Refused requests write nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearerToken, tokensMatch } from '../../lib/api';
import { invoke, type HttpHandler } from '../support/apigw';
import { ADMIN, hotkeyFor } from '../support/api-fixtures';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';

let tdb: TestDatabase;
let sync: HttpHandler;
let close: () => Promise<void>;
const body = { miners: [{ uid: 9, hotkey: hotkeyFor(9) }] };
const miners = async () => (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM miners', [], tdb.name))[0]!.n;

beforeAll(async () => {
  tdb = await createTestDatabase('api_admin');
  process.env.DATABASE_URL = tdb.url;
  process.env.DB_APPLICATION_NAME = tdb.applicationName;
  const api = await import('../../lib/api');
  const { migrate } = await import('../../lib/db');
  await migrate(api.sharedDatabase(), { migrationsFolder: 'drizzle' });
  close = api.closeSharedDatabase;
  sync = (await import('../../functions/api/miners-sync')).handler;
});
afterAll(async () => {
  await close?.();
  await tdb?.drop();
});
beforeEach(() => {
  process.env.ADMIN_TOKEN = ADMIN;
});

describe('admin routes', () => {
  it('without Authorization: 401 with a Bearer challenge, nothing written', async () => {
    // Act
    const res = await invoke(sync, 'PUT /miners', { json: body });
    // Assess
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+"$/);
    expect(await miners()).toBe(0);
  });

  it('with a wrong token, another scheme, or the token as a prefix: 401 invalid_token, nothing written', async () => {
    // Act
    const wrong = await invoke(sync, 'PUT /miners', { json: body, token: `${ADMIN}x` });
    const prefix = await invoke(sync, 'PUT /miners', { json: body, token: ADMIN.slice(0, -1) });
    const basic = await invoke(sync, 'PUT /miners', { json: body, headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` } });
    // Assess
    expect([wrong.status, prefix.status, basic.status]).toEqual([401, 401, 401]);
    expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(JSON.stringify(wrong.json)).not.toContain(ADMIN);
    expect(await miners()).toBe(0);
  });

  it('with the right token: the write happens', async () => {
    // Act
    const res = await invoke(sync, 'PUT /miners', { json: body, token: ADMIN });
    // Assess
    expect(res.status).toBe(200);
    expect(await miners()).toBe(1);
  });

  it('the scheme is case-insensitive, the token is not', async () => {
    const lower = await invoke(sync, 'PUT /miners', { json: body, headers: { authorization: `bearer ${ADMIN}` } });
    const upper = await invoke(sync, 'PUT /miners', { json: body, token: ADMIN.toUpperCase() });
    expect(lower.status).toBe(200);
    expect(upper.status).toBe(401);
  });

  it('no token configured (or one too short to be a secret): 503, never open', async () => {
    // Prepare
    delete process.env.ADMIN_TOKEN;
    const before = await miners();
    // Act
    const missing = await invoke(sync, 'PUT /miners', { json: { miners: [{ uid: 10, hotkey: hotkeyFor(10) }] }, token: 'anything' });
    process.env.ADMIN_TOKEN = 'short';
    const short = await invoke(sync, 'PUT /miners', { json: { miners: [{ uid: 10, hotkey: hotkeyFor(10) }] }, token: 'short' });
    // Assess
    expect(missing.status).toBe(503);
    expect(missing.json.error.message).toBe('admin token not configured');
    expect(short.status).toBe(503);
    expect(await miners()).toBe(before);
  });

  it('auth is checked before the body: an unauthenticated oversize or malformed body is still 401', async () => {
    const res = await invoke(sync, 'PUT /miners', { body: '{not json' });
    expect(res.status).toBe(401);
  });

  it('token parsing and comparison', () => {
    expect(bearerToken(`Bearer ${ADMIN}`)).toBe(ADMIN);
    expect(bearerToken(`Bearer  ${ADMIN} `)).toBe(ADMIN);
    expect(bearerToken(`Bearer ${ADMIN} extra`)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(tokensMatch(ADMIN, ADMIN)).toBe(true);
    expect(tokensMatch('', ADMIN)).toBe(false);
    expect(tokensMatch(`${ADMIN}${ADMIN}`, ADMIN)).toBe(false);
  });
});
