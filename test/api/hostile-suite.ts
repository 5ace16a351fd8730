// Property-based (fast-check): every route, driven with requests a hostile client could send and valid ones mixed
// in: signed by the registered miner or by a stranger, unsigned, signed then tampered, stale, replayed; admin
// token right, wrong or absent; bodies valid, with one field replaced by arbitrary JSON, arbitrary JSON, arbitrary
// bytes, or none; arbitrary query strings. Whatever comes:
//   - never a 5xx;
//   - a refused request (not 2xx) changes no table (every table's content digest is the same after);
//   - an accepted miner request was signed correctly by the registered miner, and stored exactly what it signed
//     (the value or grids of the body bytes, for the signer's slot, with the uuid it carried);
//   - an accepted admin request carried the admin token.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epistulaHeaders } from '../../dev/miner/sign';
import { invoke, type HttpHandler, type RequestOptions } from '../support/apigw';
import { ADMIN, hotkeyFor, keypairFor, loadRouteHandlers, openGeoHour, SENTINEL_BOUNDS, SENTINEL_CRS, TEST_VALIDATOR } from '../support/api-fixtures';
import type { SuiteDatabase } from './suite-databases';

const TABLES = ['miners', 'miner_deregistrations', 'soil_regions', 'soil_predictions', 'soil_truth', 'geo_predictions', 'geo_truth', 'score_rows', 'weights', 'request_nonces'];
const HOUR = 3_600_000;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);
const REPLAYED_UUID = '6a1f8e2c-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

type Signing = 'registered' | 'stranger' | 'unsigned' | 'tampered' | 'stale' | 'replayed';
type Case = { route: string; body: Buffer | undefined; contentType: string; signing: Signing; tamper: [string, string]; token: string | undefined; query: string | undefined };

export function hostileSuite(name: string, open: () => Promise<SuiteDatabase>): void {
  describe(`hostile and valid requests on every route (${name}, fast-check)`, () => {
    let db: SuiteDatabase;
    let h: Record<string, HttpHandler>;
    let hour: Date;
    let regionId: number;
    const miner = keypairFor(50);
    const stranger = keypairFor(51);

    beforeAll(async () => {
      process.env.ADMIN_TOKEN = ADMIN;
      process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
      db = await open();
      h = await loadRouteHandlers();
      await invoke(h['PUT /miners']!, 'PUT /miners', { json: { miners: [{ uid: 50, hotkey: miner.address }] }, token: ADMIN });
      const regions = await invoke(h['POST /soil/regions']!, 'POST /soil/regions', {
        json: { regions: [{ regionDate: '2030-01-01', targetTime: new Date(Date.now() + 86_400_000).toISOString(), bbox: [0, 0, 1, 1], sentinelBounds: SENTINEL_BOUNDS, sentinelCrs: SENTINEL_CRS }] },
        token: ADMIN,
      });
      regionId = regions.json.regions[0].id;
      hour = await openGeoHour(120_000);
      // openGeoHour waits for the next hour when fewer than 2 minutes are left: longer than the default hook timeout.
    }, 180_000);
    afterAll(async () => {
      await db?.close();
    });

    /** A digest of every table's content: equal before and after means nothing was written. */
    const digest = async () =>
      (await db.sql<Record<string, string>>(`SELECT ${TABLES.map((t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${t} x) AS ${t}`).join(', ')}`))[0]!;

    // ---- arbitraries -------------------------------------------------------------------------
    // Valid bodies are valid field by field most of the time (else the accepted path would be too rare to test);
    // each field is sometimes an edge value, and bodyOf adds whole-body damage on top.
    const mostly = <T>(valid: fc.Arbitrary<T>, ...edges: unknown[]) => fc.oneof({ weight: 9, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
    const json = fc.jsonValue({ maxDepth: 3 });
    const cell = fc.oneof({ weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(null) });
    const grid = fc.oneof(
      { weight: 9, arbitrary: fc.array(fc.array(cell, { minLength: 11, maxLength: 11 }), { minLength: 11, maxLength: 11 }) },
      { weight: 1, arbitrary: fc.array(fc.array(cell, { maxLength: 12 }), { maxLength: 12 }) },
    );
    const hourText = () =>
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(hour.toISOString()) },
        { weight: 1, arbitrary: fc.constantFrom(new Date(hour.getTime() - HOUR).toISOString(), new Date(hour.getTime() + HOUR).toISOString(), '3000-01-01T00:00:00Z', '0001-01-01T00:00:00Z') },
        { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
      );
    const future = () => new Date(hour.getTime() + 24 * HOUR).toISOString();
    const key = mostly(fc.constant(hotkeyFor(52)), miner.address, stranger.address, 'not-an-address', `${'1'.repeat(47)}`);
    const int32Edges = [0, -5, 2 ** 31, -(2 ** 31) - 1, 1.5];
    const validBody: Record<string, () => fc.Arbitrary<unknown>> = {
      'POST /geo/predictions': () =>
        fc.record({ queryTime: hourText(), value: fc.double({ min: -1e6, max: 1e6, noNaN: true }), hotkey: fc.constantFrom(miner.address, stranger.address) }, { requiredKeys: ['queryTime', 'value'] }),
      'POST /soil/predictions': () =>
        fc.record({
          regionId: mostly(fc.constant(regionId), 999_999, 0),
          surfaceSm: grid,
          rootzoneSm: grid,
          sentinelBounds: mostly(fc.constant(SENTINEL_BOUNDS), [1, 2, 3, 4]),
          sentinelCrs: mostly(fc.constant(SENTINEL_CRS), 4326, ...int32Edges),
        }),
      'PUT /miners': () =>
        fc.record({
          miners: fc.array(
            fc.record(
              { uid: mostly(fc.integer({ min: 0, max: 255 }), -1, 256, 1.5), hotkey: key, ip: mostly(fc.constantFrom('10.0.0.1', '::1'), 'example.com', '1.2.3.4\n'), protocol: mostly(fc.integer({ min: 0, max: 100 }), ...int32Edges) },
              { requiredKeys: ['uid', 'hotkey'] },
            ),
            { maxLength: 1 },
          ),
        }),
      'POST /soil/regions': () =>
        fc.record({
          regions: fc.array(
            fc.record(
              {
                regionDate: mostly(fc.constant('2030-01-01'), '2030-02-30'),
                targetTime: mostly(fc.constant(future()), '0001-01-01T00:00:00Z', '+010000-01-01T00:00:00.000Z'),
                closesAt: hourText(),
                bbox: fc.constant([0, 0, 1, 1]),
                sentinelBounds: fc.constant(SENTINEL_BOUNDS),
                sentinelCrs: mostly(fc.constant(SENTINEL_CRS), ...int32Edges),
                arrayShape: fc.array(mostly(fc.integer({ min: 1, max: 64 }), ...int32Edges), { maxLength: 5 }),
              },
              { requiredKeys: ['regionDate', 'targetTime', 'bbox', 'sentinelBounds', 'sentinelCrs'] },
            ),
            { minLength: 1, maxLength: 2 },
          ),
        }),
      'POST /ground-truth/geo': () => fc.record({ rows: fc.array(fc.record({ hour: hourText(), dst: fc.double({ min: -2000, max: 2000, noNaN: true }) }), { maxLength: 3 }) }),
      'POST /ground-truth/soil': () => fc.record({ regionId: mostly(fc.constant(regionId), 999_999), surfaceSm: grid, rootzoneSm: grid }),
    };
    const bodyOf = (route: string): fc.Arbitrary<Buffer | undefined> => {
      const valid = validBody[route]?.() ?? fc.constant(undefined);
      const patched = fc.tuple(valid, fc.string({ maxLength: 12 }), json).map(([b, k, v]) => (b && typeof b === 'object' ? { ...b, [Object.keys(b)[0] ?? k]: v } : b));
      return fc.oneof(
        { weight: 6, arbitrary: valid.map((b) => (b === undefined ? undefined : Buffer.from(JSON.stringify(b)))) },
        { weight: 2, arbitrary: patched.map((b) => (b === undefined ? undefined : Buffer.from(JSON.stringify(b)))) },
        { weight: 1, arbitrary: json.map((b) => Buffer.from(JSON.stringify(b) ?? 'null')) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
    };
    const params = (
      fc.dictionary(fc.constantFrom('task', 'since', 'limit', 'before', 'x'), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('geomagnetic', '2024-05-01', '0000-01-01', '200', '201', '0', '1.1'))).map((d) =>
        new URLSearchParams(d).toString(),
      )
    );
    /** GET routes: arbitrary parameters half the time; the others rarely (any parameter is refused there). */
    const queryOf = (route: string) =>
      route.startsWith('GET ') ? fc.oneof(fc.constant(undefined), params) : fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: params });
    const caseOf = (route: string): fc.Arbitrary<Case> =>
      fc.record({
        route: fc.constant(route),
        body: bodyOf(route),
        contentType: fc.constantFrom('application/json', 'application/json', 'application/octet-stream'),
        signing: fc.oneof({ weight: 5, arbitrary: fc.constant<Signing>('registered') }, { weight: 5, arbitrary: fc.constantFrom<Signing>('stranger', 'unsigned', 'tampered', 'stale', 'replayed') }),
        tamper: fc.tuple(fc.constantFrom('epistula-version', 'epistula-timestamp', 'epistula-uuid', 'epistula-signed-by', 'epistula-signed-for', 'epistula-request-signature'), fc.string({ maxLength: 60 })),
        token: fc.constantFrom(ADMIN, ADMIN, ADMIN, 'wrong-admin-token-0123456789', undefined),
        query: queryOf(route),
      });

    // ---- the request and its checks -----------------------------------------------------------
    /** Outcomes per route: the properties must have seen both kinds, or they proved nothing about one of them. */
    const seen: Record<string, { accepted: number; refused: number }> = {};

    async function run(c: Case): Promise<void> {
      const options: RequestOptions = { body: c.body, contentType: c.contentType, token: c.token, query: c.query };
      const bytes = c.body ?? Buffer.alloc(0);
      let signedOk = false;
      if (c.signing !== 'unsigned') {
        const signer = c.signing === 'stranger' ? stranger : miner;
        const headers = epistulaHeaders(signer, bytes, {
          signedFor: TEST_VALIDATOR.address,
          timestampMs: c.signing === 'stale' ? Date.now() - 60_000 : undefined,
          uuid: c.signing === 'replayed' ? REPLAYED_UUID : undefined,
        });
        // A "tampered" header that happens to equal the signed one is no tampering: that request is signed correctly.
        const changed = c.signing === 'tampered' && headers[c.tamper[0]] !== c.tamper[1];
        if (changed) headers[c.tamper[0]] = c.tamper[1];
        options.headers = headers;
        signedOk = c.signing === 'registered' || c.signing === 'replayed' || (c.signing === 'tampered' && !changed);
      }
      const before = await digest();
      const t0 = Date.now();
      const res = await invoke(h[c.route]!, c.route, options);
      const t1 = Date.now();
      // GET /health answers 503 when the database is failing: a health report, not an error of the request.
      const healthReport = c.route === 'GET /health' && res.status === 503 && res.json?.status === 'failing';
      if (!healthReport) expect(res.status, JSON.stringify(res.json)).toBeLessThan(500);
      const tally = (seen[c.route] ??= { accepted: 0, refused: 0 });
      if (res.status >= 300) tally.refused++;
      else tally.accepted++;
      if (res.status >= 300) {
        expect(await digest()).toEqual(before);
        return;
      }
      const spec = c.route;
      if (spec === 'POST /geo/predictions' || spec === 'POST /soil/predictions') {
        expect(signedOk).toBe(true);
        const sent = JSON.parse(bytes.toString('utf8'));
        const uuid = options.headers!['epistula-uuid'];
        expect(await db.sql('SELECT count(*)::int AS n FROM request_nonces WHERE uuid = $1', [uuid])).toEqual([{ n: 1 }]);
        if (spec === 'POST /geo/predictions') {
          const rows = await db.sql<{ v: number; r: Date }>('SELECT predicted_value AS v, received_at AS r FROM geo_predictions WHERE miner_uid = 50 AND query_time = $1', [new Date(sent.queryTime)]);
          expect(rows.map((r) => r.v)).toEqual([sent.value]);
          const received = new Date(rows[0]!.r).getTime();
          expect(received >= t0 && received <= t1).toBe(true);
        } else {
          const rows = await db.sql<{ s: number[]; r: number[] }>('SELECT surface_sm AS s, rootzone_sm AS r FROM soil_predictions WHERE miner_uid = 50 AND region_id = $1', [sent.regionId]);
          // Stored row-major; null ("no data") as NaN (equal to NaN for toEqual).
          const flat = (g: (number | null)[][]) => g.flat().map((v) => (v === null ? Number.NaN : v));
          expect(rows).toHaveLength(1);
          expect(rows[0]!.s.map(Number)).toEqual(flat(sent.surfaceSm));
          expect(rows[0]!.r.map(Number)).toEqual(flat(sent.rootzoneSm));
        }
      } else if (spec !== 'GET /health' && !spec.startsWith('GET ')) {
        expect(c.token).toBe(ADMIN);
      }
    }

    it.each(['POST /geo/predictions', 'POST /soil/predictions', 'PUT /miners', 'POST /soil/regions', 'POST /ground-truth/geo', 'POST /ground-truth/soil', 'GET /miners', 'GET /scores', 'GET /weights/latest', 'GET /health'])(
      '%s: never a 5xx; refused writes nothing; accepted stores what was signed',
      async (route) => {
        await fc.assert(fc.asyncProperty(caseOf(route), run), { numRuns: RUNS });
        if (route.startsWith('GET ')) return;
        expect(seen[route]!.accepted).toBeGreaterThan(0);
        expect(seen[route]!.refused).toBeGreaterThan(0);
      },
    );
  });
}
