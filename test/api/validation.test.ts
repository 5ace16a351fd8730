// Refused requests: each class of bad input gets its status and a message naming the field, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, routeSpec, type HttpHandler, type RequestOptions } from '../support/apigw';
import { ADMIN, grid, hotkeyFor, keypairFor, loadRouteHandlers, openGeoHour, regionBody, soilPredictionBody, TEST_VALIDATOR } from '../support/api-fixtures';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';

let tdb: TestDatabase;
let h: Record<string, HttpHandler>;
let close: () => Promise<void>;
let regionId: number;
let hour: Date;
const miner = hotkeyFor(10);
const signer = keypairFor(10);
const stranger = keypairFor(11);

/** Row counts of every table a route writes. */
async function counts(): Promise<Record<string, number>> {
  const tables = ['miners', 'soil_regions', 'soil_predictions', 'soil_truth', 'geo_predictions', 'geo_truth', 'request_nonces'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`, [], tdb.name))[0]!.n;
  return out;
}

/** Sends the request and checks the status, the field named first, and that no table changed. */
async function refused(key: string, options: RequestOptions, status: number, field?: string) {
  const before = await counts();
  const res = await invoke(h[key]!, key, options);
  expect(res.status).toBe(status);
  expect(res.json.error.requestId).toBe(res.requestId);
  if (field) {
    expect(res.json.error.message.startsWith(`${field}:`)).toBe(true);
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain(field);
  }
  expect(await counts()).toEqual(before);
  return res;
}

beforeAll(async () => {
  tdb = await createTestDatabase('api_validation');
  process.env.DATABASE_URL = tdb.url;
  process.env.DB_APPLICATION_NAME = tdb.applicationName;
  process.env.ADMIN_TOKEN = ADMIN;
  process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
  const api = await import('../../lib/api');
  const { migrate } = await import('../../lib/db');
  await migrate(api.sharedDatabase(), { migrationsFolder: 'drizzle' });
  close = api.closeSharedDatabase;
  h = await loadRouteHandlers();
  // Prepare: one registered miner and one region.
  await invoke(h['PUT /miners']!, 'PUT /miners', { json: { miners: [{ uid: 5, hotkey: miner }] }, token: ADMIN });
  regionId = (await invoke(h['POST /soil/regions']!, 'POST /soil/regions', { json: regionBody(), token: ADMIN })).json.regions[0].id;
  hour = await openGeoHour();
});

afterAll(async () => {
  await close?.();
  await tdb?.drop();
});

/** Signed by the registered miner (its requests reach the schema); the open hour unless patched. */
const geo = (patch: Record<string, unknown>): RequestOptions => ({ json: { queryTime: hour.toISOString(), value: 1.5, ...patch }, signer });
const soil = (patch: Record<string, unknown>): RequestOptions => ({ json: { ...soilPredictionBody(regionId), ...patch }, signer });
const region = (patch: Record<string, unknown>): RequestOptions => ({ json: { regions: [{ ...regionBody().regions[0], ...patch }] }, token: ADMIN });
const sync = (m: Record<string, unknown>) => ({ json: { miners: [{ uid: 1, hotkey: hotkeyFor(20), ...m }] }, token: ADMIN });

describe('wrong types (422)', () => {
  it('a string where a number belongs', () => refused('POST /geo/predictions', geo({ value: '1.5' }), 422, 'body.value'));
  it('a number where a date-time belongs', () => refused('POST /geo/predictions', geo({ queryTime: 1714568400 }), 422, 'body.queryTime'));
  it('a missing field', () => refused('POST /geo/predictions', { json: { value: 1 }, signer }, 422, 'body.queryTime'));
  it('an unknown field', () => refused('POST /geo/predictions', geo({ uid: 5 }), 422, 'body.uid'));
  it('a malformed hotkey', () => refused('POST /geo/predictions', geo({ hotkey: '0OIl-not-ss58' }), 422, 'body.hotkey'));
  it('a queryTime that is not the start of an hour', () => refused('POST /geo/predictions', geo({ queryTime: '2024-05-01T13:00:01Z' }), 422, 'body.queryTime'));
});

describe('NaN and Infinity (422): JSON has neither, and strings are never coerced', () => {
  it.each([['"NaN"', 'NaN'], ['"Infinity"', 'Infinity'], ['"-Infinity"', '-Infinity']])('value %s', async (_s, v) => {
    await refused('POST /geo/predictions', geo({ value: v }), 422, 'body.value');
  });
  it('a number beyond double range (parses as Infinity)', () =>
    refused('POST /geo/predictions', { body: `{"queryTime":"${hour.toISOString()}","value":-1e999}`, signer }, 422, 'body.value'),
  );
  it('"NaN" in a grid cell', () => {
    const g = grid(0.2) as unknown[][];
    g[4]![6] = 'NaN';
    return refused('POST /soil/predictions', soil({ surfaceSm: g }), 422, 'body.surfaceSm.4.6');
  });
  it('limit=NaN, limit=1e2 and limit=Infinity in a query', async () => {
    for (const q of ['limit=NaN', 'limit=1e2', 'limit=Infinity', 'limit=%201']) await refused('GET /scores', { query: q }, 422, 'query.limit');
  });
});

describe('grids must be 11x11 (422)', () => {
  it('10 rows', () => refused('POST /soil/predictions', soil({ surfaceSm: grid(0.1).slice(1) }), 422, 'body.surfaceSm'));
  it('a row of 12 cells', () => {
    const g = grid(0.1);
    g[3]!.push(0.1);
    return refused('POST /soil/predictions', soil({ rootzoneSm: g }), 422, 'body.rootzoneSm.3');
  });
  it('a flat array of 121 numbers', () => refused('POST /soil/predictions', soil({ surfaceSm: grid(0.1).flat() }), 422, 'body.surfaceSm'));
  it('ground truth with a 11x10 grid', () =>
    refused('POST /ground-truth/soil', { json: { regionId, surfaceSm: grid(0.1).map((r) => r.slice(1)), rootzoneSm: grid(0.1) }, token: ADMIN }, 422, 'body.surfaceSm.0'));
});

describe('uid 0..255 integer (422)', () => {
  it.each([[256], [-1], [1.5], ['3']])('uid %s', async (uid) => {
    await refused('PUT /miners', sync({ uid }), 422, 'body.miners.0.uid');
  });
  it('a uid twice in one sync', () =>
    refused('PUT /miners', { json: { miners: [{ uid: 1, hotkey: hotkeyFor(21) }, { uid: 1, hotkey: hotkeyFor(22) }] }, token: ADMIN }, 422, 'body.miners.1.uid'));
});

describe('references', () => {
  it('an unknown region is 404', async () => {
    const res = await refused('POST /soil/predictions', soil({ regionId: 987_654 }), 404);
    expect(res.json.error.message).toContain('987654');
  });
  it('a signer that is not registered is 401 naming Epistula-Signed-By', async () => {
    for (const [key, options] of [['POST /geo/predictions', geo({})], ['POST /soil/predictions', soil({})]] as const) {
      const res = await refused(key, { ...options, signer: stranger }, 401);
      expect(res.json.error.message).toBe('Epistula-Signed-By: not a registered miner hotkey');
    }
  });
  it('a body hotkey that is not the signer is 401, even a registered one', async () => {
    const res = await refused('POST /geo/predictions', geo({ hotkey: hotkeyFor(11) }), 401);
    expect(res.json.error.message).toMatch(/^body\.hotkey: /);
  });
  it('a sentinel echo that differs from the region is 422', async () => {
    const res = await refused('POST /soil/predictions', soil({ sentinelCrs: 4326 }), 422);
    expect(res.json.error.message).toContain('echo');
  });
});

describe('body size and syntax', () => {
  it('a body over the route limit is 413', async () => {
    const limit = routeSpec('POST /geo/predictions').maxBodyBytes;
    const res = await refused('POST /geo/predictions', geo({ pad: 'x'.repeat(limit) }), 413);
    expect(res.json.error.message).toContain(`at most ${limit}`);
  });
  it('a body that is not JSON is 400', () => refused('POST /geo/predictions', { body: "{hotkey: 'x'}", signer }, 400));
  it('Dst beyond 1000 nT is 422 and the whole batch is refused', () =>
    refused('POST /ground-truth/geo', { json: { rows: [{ hour: '2024-05-01T10:00:00Z', dst: 5 }, { hour: '2024-05-01T11:00:00Z', dst: -1001 }] }, token: ADMIN }, 422, 'body.rows.1.dst'));
  it('scores: unknown task, bad since, limit out of range', async () => {
    await refused('GET /scores', { query: 'task=weather' }, 422, 'query.task');
    await refused('GET /scores', { query: 'since=yesterday' }, 422, 'query.since');
    await refused('GET /scores', { query: 'limit=0' }, 422, 'query.limit');
    await refused('GET /scores', { query: 'limit=201' }, 422, 'query.limit');
    await refused('GET /scores', { query: 'before=yesterday' }, 422, 'query.before');
  });
});

describe('submission windows (422, server clock)', () => {
  it('a geo hour that has begun', async () => {
    const res = await refused('POST /geo/predictions', geo({ queryTime: new Date(hour.getTime() - 3_600_000).toISOString() }), 422, 'body.queryTime');
    expect(res.json.error.message).toContain('predictions are accepted from');
  });
  it('a geo hour not open yet (two hours ahead, and the year 3000)', async () => {
    await refused('POST /geo/predictions', geo({ queryTime: new Date(hour.getTime() + 3_600_000).toISOString() }), 422, 'body.queryTime');
    await refused('POST /geo/predictions', geo({ queryTime: '3000-01-01T00:00:00Z' }), 422, 'body.queryTime');
  });
  it('a soil region past its closesAt', async () => {
    const closed = await invoke(h['POST /soil/regions']!, 'POST /soil/regions', {
      json: regionBody(new Date(Date.now() + 86_400_000).toISOString(), new Date(Date.now() - 1_000).toISOString()),
      token: ADMIN,
    });
    expect(closed.status).toBe(201);
    const res = await refused('POST /soil/predictions', soil({ regionId: closed.json.regions[0].id }), 422, 'body.regionId');
    expect(res.json.error.message).toContain('closed for predictions');
  });
  it('a region whose closesAt is later than its target time', () =>
    refused('POST /soil/regions', region({ closesAt: new Date(Date.now() + 2 * 86_400_000).toISOString() }), 422, 'body.regions.0.closesAt'));
});

describe('limits the database used to enforce alone (422 naming the field)', () => {
  it.each([['protocol', 2 ** 31], ['protocol', -(2 ** 31) - 1], ['ip', 'example.com'], ['ip', '10.0.0.1\n'], ['ip', '300.1.1.1'], ['coldkey', `${'1'.repeat(47)}`]])(
    'PUT /miners %s = %j',
    async (field, value) => void (await refused('PUT /miners', sync({ [field]: value }), 422, `body.miners.0.${field}`)),
  );
  it('an IPv6 address is accepted', async () => {
    const res = await invoke(h['PUT /miners']!, 'PUT /miners', { json: { miners: [{ uid: 6, hotkey: hotkeyFor(23), ip: '2001:db8::1' }] }, token: ADMIN });
    expect(res.status).toBe(200);
  });
  it('sentinelCrs beyond int32 (regions and predictions)', async () => {
    await refused('POST /soil/regions', region({ sentinelCrs: 2 ** 31 }), 422, 'body.regions.0.sentinelCrs');
    await refused('POST /soil/predictions', soil({ sentinelCrs: 2 ** 31 }), 422, 'body.sentinelCrs');
  });
  it('arrayShape entries beyond int32', () => refused('POST /soil/regions', region({ arrayShape: [11, 2 ** 31] }), 422, 'body.regions.0.arrayShape.1'));
  it.each(['0000-01-01', '1969-12-31T23:59:59Z', '0001-01-01T00:00:00Z'])('since=%s (years 1970..9999 only)', async (since) => {
    await refused('GET /scores', { query: `since=${since}` }, 422, 'query.since');
  });
  it('a region target time in the year 0001', () => refused('POST /soil/regions', region({ targetTime: '0001-01-01T00:00:00Z' }), 422, 'body.regions.0.targetTime'));
});

describe('a valid request after all of the above', () => {
  it('is stored (the refusals above were not a broken route)', async () => {
    const before = await counts();
    const res = await invoke(h['POST /geo/predictions']!, 'POST /geo/predictions', geo({ hotkey: miner, queryTime: (await openGeoHour()).toISOString() }));
    expect(res.status).toBe(201);
    expect((await counts()).geo_predictions).toBe(before.geo_predictions! + 1);
  });
});
