// One behavioural suite for every route, run against each database (routes.pglite.test.ts, routes.postgres.test.ts).
// Requests are real API Gateway v2 events; the handlers are the modules Lambda loads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, type HttpHandler } from '../support/apigw';
import { ADMIN, hotkeyFor, keypairFor, loadRouteHandlers, openGeoHour, regionBody, soilPredictionBody, TEST_VALIDATOR } from '../support/api-fixtures';

import type { SuiteDatabase } from './suite-databases';

export function routesSuite(name: string, open: () => Promise<SuiteDatabase>): void {
  describe(`routes on ${name}`, () => {
    let db: SuiteDatabase;
    let h: Record<string, HttpHandler>;
    const call = (key: string, options: Parameters<typeof invoke>[2] = {}) => invoke(h[key]!, key, options);
    const admin = (key: string, json: unknown) => call(key, { json, token: ADMIN });
    const a = hotkeyFor(1);
    const b = hotkeyFor(2);
    /** A request signed by miner a (Epistula v2), for the validator under test. */
    const asA = (key: string, json: unknown) => call(key, { json, signer: keypairFor(1) });

    beforeAll(async () => {
      process.env.ADMIN_TOKEN = ADMIN;
      process.env.VALIDATOR_HOTKEY = TEST_VALIDATOR.address;
      db = await open();
      h = await loadRouteHandlers();
    });
    afterAll(async () => {
      await db?.close();
    });

    it('PUT /miners upserts slots and GET /miners lists them by uid', async () => {
      // Act
      const put = await admin('PUT /miners', { miners: [{ uid: 7, hotkey: b, stake: 12.5 }, { uid: 3, hotkey: a, coldkey: hotkeyFor(99), port: 8091 }] });
      const list = await call('GET /miners');
      // Assess
      expect(put.status).toBe(200);
      expect(put.json).toEqual({ upserted: 2, deregistered: [] });
      expect(list.status).toBe(200);
      expect(list.json.miners.map((m: { uid: number; hotkey: string }) => [m.uid, m.hotkey])).toEqual([[3, a], [7, b]]);
      expect(list.json.miners[1].stake).toBe(12.5);
      expect(list.json.miners[1]).not.toHaveProperty('publicKey');
    });

    it('PUT /miners with a new hotkey at a uid deregisters the old one', async () => {
      // Prepare
      const c = hotkeyFor(3);
      // Act
      const put = await admin('PUT /miners', { miners: [{ uid: 7, hotkey: c }] });
      // Assess
      expect(put.json.deregistered).toEqual([{ uid: 7, oldHotkey: b }]);
      const rows = await db.sql<{ hotkey: string }>('SELECT hotkey FROM miners WHERE uid = 7');
      expect(rows).toEqual([{ hotkey: c }]);
    });

    it('POST /geo/predictions stores, then replaces, a signed prediction for the open hour, with its receive time', async () => {
      // Prepare
      const hour = await openGeoHour();
      const inPlusTwo = new Date(hour.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00').replace('.000', '');
      // Act
      const t0 = Date.now();
      const first = await asA('POST /geo/predictions', { queryTime: hour.toISOString(), value: -0.5 });
      const second = await asA('POST /geo/predictions', { hotkey: a, queryTime: inPlusTwo, value: -0.75 });
      const t1 = Date.now();
      // Assess
      expect(first.status).toBe(201);
      expect(first.json.replaced).toBe(false);
      expect(second.status).toBe(200);
      expect(second.json).toEqual({ id: first.json.id, replaced: true });
      const rows = await db.sql<{ miner_uid: number; miner_hotkey: string; predicted_value: number; received_at: Date }>(
        'SELECT miner_uid, miner_hotkey, predicted_value, received_at FROM geo_predictions',
      );
      expect(rows.map(({ received_at: _r, ...r }) => r)).toEqual([{ miner_uid: 3, miner_hotkey: a, predicted_value: -0.75 }]);
      const received = new Date(rows[0]!.received_at).getTime();
      expect(received).toBeGreaterThanOrEqual(t0);
      expect(received).toBeLessThanOrEqual(t1);
      expect(await db.sql('SELECT count(*)::int AS n FROM request_nonces')).toEqual([{ n: 2 }]);
    });

    it('POST /soil/regions, POST /soil/predictions and POST /ground-truth/soil: null cells are stored as NaN', async () => {
      // Act
      const regions = await admin('POST /soil/regions', regionBody());
      const regionId = regions.json.regions[0].id as number;
      const prediction = await asA('POST /soil/predictions', soilPredictionBody(regionId));
      const again = await asA('POST /soil/predictions', soilPredictionBody(regionId, 0.3));
      const truth = await admin('POST /ground-truth/soil', { regionId, surfaceSm: soilPredictionBody(regionId).surfaceSm, rootzoneSm: soilPredictionBody(regionId).rootzoneSm });
      const afterTruth = await asA('POST /soil/predictions', soilPredictionBody(regionId, 0.4));
      // Assess
      expect(regions.status).toBe(201);
      expect(regions.json.regions[0]).not.toHaveProperty('inputRaster');
      expect(regions.json.regions[0].sentinelCrs).toBe(32611);
      expect(prediction.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.json.replaced).toBe(true);
      expect(truth.status).toBe(200);
      expect(truth.json).toEqual({ regionId, replaced: false });
      expect(afterTruth.status).toBe(422);
      const stored = await db.sql<{ first: number; second: number; cells: number; uid: number }>(
        `SELECT surface_sm[1] AS first, surface_sm[2] AS second, cardinality(surface_sm) AS cells, miner_uid AS uid FROM soil_predictions`,
      );
      expect(stored).toHaveLength(1);
      expect(Number.isNaN(Number(stored[0]!.first))).toBe(true);
      expect(Number(stored[0]!.second)).toBe(0.3);
      expect(Number(stored[0]!.cells)).toBe(121);
      expect(stored[0]!.uid).toBe(3);
    });

    it('POST /ground-truth/soil for an unknown region is 404 and writes nothing', async () => {
      // Prepare
      const body = { regionId: 999_999, surfaceSm: soilPredictionBody(1).surfaceSm, rootzoneSm: soilPredictionBody(1).rootzoneSm };
      const before = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM soil_truth');
      // Act
      const res = await admin('POST /ground-truth/soil', body);
      // Assess
      expect(res.status).toBe(404);
      expect(res.json.error.message).toContain('999999');
      expect(await db.sql('SELECT count(*)::int AS n FROM soil_truth')).toEqual(before);
    });

    it('POST /ground-truth/geo stores raw Dst divided by 100', async () => {
      // Act
      const res = await admin('POST /ground-truth/geo', { rows: [{ hour: '2024-05-01T12:00:00Z', dst: -42 }, { hour: '2024-05-01T11:00:00Z', dst: 7 }] });
      // Assess
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ stored: 2 });
      const rows = await db.sql<{ dst: number }>("SELECT dst FROM geo_truth WHERE hour = '2024-05-01T12:00:00Z'");
      expect(rows).toEqual([{ dst: -0.42 }]);
    });

    it('GET /scores filters by task, since and limit, pages with before=next; a missing score is null', async () => {
      // Prepare: two score rows as the scoring steps write them (NaN = no score).
      const score = Array.from({ length: 256 }, (_, uid) => (uid === 3 ? 0.8 : Number.NaN));
      await db.sql(
        `INSERT INTO score_rows (task_name, task_id, task_time, score) VALUES
         ('geomagnetic', 1714568400, '2024-05-01T13:00:00Z', $1::float8[]), ('soil_moisture', 1714527000, '2024-05-01T01:30:00Z', $1::float8[])`,
        [score.map((v) => (Number.isNaN(v) ? 'NaN' : String(v)))],
      );
      // Act
      const all = await call('GET /scores');
      const geo = await call('GET /scores', { query: 'task=geomagnetic' });
      const since = await call('GET /scores', { query: 'since=2024-05-01T02:00:00Z&limit=1' });
      const page1 = await call('GET /scores', { query: 'limit=1' });
      const page2 = await call('GET /scores', { query: `limit=1&before=${page1.json.next}` });
      // Assess
      expect(all.status).toBe(200);
      expect(all.json.scores.map((s: { taskName: string }) => s.taskName)).toEqual(['geomagnetic', 'soil_moisture']);
      expect(geo.json.scores).toHaveLength(1);
      expect(geo.json.scores[0].score[3]).toBe(0.8);
      expect(geo.json.scores[0].score[0]).toBeNull();
      expect(since.json.scores.map((s: { taskId: number }) => s.taskId)).toEqual([1714568400]);
      expect(all.json.next).toBeNull();
      expect(page1.json.scores.map((s: { taskId: number }) => s.taskId)).toEqual([1714568400]);
      expect(page2.json.scores.map((s: { taskId: number }) => s.taskId)).toEqual([1714527000]);
    });

    it('GET /weights/latest is 404 before the first computation, then the newest vector', async () => {
      // Act
      const none = await call('GET /weights/latest');
      const weights = Array.from({ length: 256 }, (_, uid) => (uid === 3 ? 1 : 0));
      await db.sql(
        `INSERT INTO weights (computed_at, window_start, window_end, weights, inputs) VALUES
         ('2024-05-02T00:00:00Z', '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', $1::float8[], '{"geoRows":1,"soilRows":0,"lookbackDays":1}'),
         ('2024-05-01T00:00:00Z', '2024-04-30T00:00:00Z', '2024-05-01T00:00:00Z', $1::float8[], '{"geoRows":0,"soilRows":0,"lookbackDays":1}')`,
        [weights],
      );
      const latest = await call('GET /weights/latest');
      // Assess
      expect(none.status).toBe(404);
      expect(latest.status).toBe(200);
      expect(latest.json.computedAt).toBe('2024-05-02T00:00:00.000Z');
      expect(latest.json.weights[3]).toBe(1);
      expect(latest.json.inputs.geoRows).toBe(1);
    });
  });
}
