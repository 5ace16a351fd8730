// Geo intake: one prediction per miner and hour (upsert), truth stored as Dst / 100, bad readings refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDst } from '../../lib/tasks/geo/math';
import {
  BadInputError,
  storeGeoTruth,
  submitGeoPrediction,
  submitGeoPredictions,
  SubmissionsClosedError,
  UnregisteredMinerError,
} from '../../lib/validator';
import { counts, HOUR, hotkeyOf, pgHarness, range, seedMiners, type Harness } from './fixtures';

const H = new Date('2025-05-01T10:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await pgHarness('geo_intake');
  await h.session((s) => seedMiners(s, range(256)));
});
afterAll(async () => {
  await h.close();
});

const geoRows = (hour: Date) =>
  h.session((s) => s.query<{ id: string; miner_uid: number; predicted_value: number; retry_count: number }>(
    'SELECT id, miner_uid, predicted_value, retry_count FROM geo_predictions WHERE query_time = $1 ORDER BY miner_uid', [hour],
  )).then((r) => r.rows);

describe('submitGeoPrediction', () => {
  it('inserts, and a re-submission for the same hour replaces the value and starts over', async () => {
    // Prepare
    const first = await h.session((s) => submitGeoPrediction(s, { uid: 3, hotkey: hotkeyOf(3), queryTime: H, value: -0.5 }));
    await h.session((s) => s.transaction((tx) => tx.query('UPDATE geo_predictions SET retry_count = 4, next_retry_time = now() WHERE id = $1', [first.id])));
    // Act
    const second = await h.session((s) => submitGeoPrediction(s, { uid: 3, hotkey: hotkeyOf(3), queryTime: H, value: 1.25 }));
    // Assess
    expect(first.replaced).toBe(false);
    expect(second).toEqual({ id: first.id, replaced: true });
    expect(await geoRows(H)).toEqual([{ id: String(first.id), miner_uid: 3, predicted_value: 1.25, retry_count: 0 }]);
  });

  it('stores an hour of 256 miners in one call', async () => {
    // Prepare
    const hour = new Date(H.getTime() + HOUR);
    // Act
    const results = await h.session((s) => submitGeoPredictions(s, range(256).map((uid) => ({ uid, hotkey: hotkeyOf(uid), queryTime: hour, value: uid / 100 }))));
    // Assess
    expect(results).toHaveLength(256);
    const rows = await geoRows(hour);
    expect(rows.map((r) => r.predicted_value)).toEqual(range(256).map((uid) => uid / 100));
    expect(rows.map((r) => Number(r.id))).toEqual(results.map((r) => r.id));
  });

  it.each([
    ['a time that is not an hour start', BadInputError, { uid: 1, hotkey: hotkeyOf(1), queryTime: new Date(H.getTime() + 60_000), value: 0 }],
    ['a non-finite value', BadInputError, { uid: 1, hotkey: hotkeyOf(1), queryTime: H, value: Number.POSITIVE_INFINITY }],
    ['a uid out of range', BadInputError, { uid: 300, hotkey: hotkeyOf(1), queryTime: H, value: 0 }],
    ['an unregistered hotkey', UnregisteredMinerError, { uid: 1, hotkey: 'stranger', queryTime: H, value: 0 }],
  ])('refuses %s and writes nothing, even beside a valid prediction', async (_name, type, bad) => {
    // Prepare
    const before = await h.session(counts);
    // Act
    const err = await h.session((s) => submitGeoPredictions(s, [{ uid: 0, hotkey: hotkeyOf(0), queryTime: new Date(H.getTime() + 5 * HOUR), value: 0 }, bad])).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(type);
    expect(await h.session(counts)).toEqual(before);
  });
});

describe('storeGeoTruth', () => {
  it('stores raw Dst divided by 100 (the math’s normalizeDst), replacing an earlier reading', async () => {
    // Prepare
    const hours = [new Date(H.getTime() + 20 * HOUR), new Date(H.getTime() + 21 * HOUR)];
    // Act
    const n1 = await h.session((s) => storeGeoTruth(s, [{ hour: hours[0]!, dst: -37 }, { hour: hours[1]!, dst: 1000 }]));
    const n2 = await h.session((s) => storeGeoTruth(s, [{ hour: hours[0]!, dst: -41.5 }]));
    // Assess
    expect([n1, n2]).toEqual([2, 1]);
    const rows = await h.session((s) => s.query<{ dst: number }>('SELECT dst FROM geo_truth WHERE hour = ANY($1::timestamptz[]) ORDER BY hour', [hours]));
    expect(rows.rows.map((r) => r.dst)).toEqual([normalizeDst(-41.5), normalizeDst(1000)]);
  });

  it('closes the hour to predictions once its truth is stored', async () => {
    // Prepare
    const hour = new Date(H.getTime() + 30 * HOUR);
    await h.session((s) => storeGeoTruth(s, [{ hour, dst: 5 }]));
    // Act
    const err = await h.session((s) => submitGeoPrediction(s, { uid: 1, hotkey: hotkeyOf(1), queryTime: hour, value: 0.05 })).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(SubmissionsClosedError);
    expect(await geoRows(hour)).toEqual([]);
  });

  it.each([
    ['|raw Dst| > 1000', { hour: new Date(H.getTime() + 40 * HOUR), dst: -1000.5 }],
    ['a time that is not an hour start', { hour: new Date(H.getTime() + 40 * HOUR + 1), dst: 3 }],
    ['a non-finite reading', { hour: new Date(H.getTime() + 40 * HOUR), dst: Number.NaN }],
    ['a duplicate hour', { hour: new Date(H.getTime() + 41 * HOUR), dst: 3 }],
  ])('refuses the whole call for %s (BadInputError, nothing written)', async (_name, bad) => {
    // Prepare
    const before = await h.session(counts);
    // Act
    const err = await h.session((s) => storeGeoTruth(s, [{ hour: new Date(H.getTime() + 41 * HOUR), dst: 10 }, bad])).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(BadInputError);
    expect(await h.session(counts)).toEqual(before);
  });
});
