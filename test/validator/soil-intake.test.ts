// Soil intake: regions, one prediction per miner per region (a re-submission replaces), ground truth.
// Every refusal is typed and writes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BadInputError,
  createRegions,
  NotFoundError,
  storeSoilTruth,
  submitSoilPrediction,
  submitSoilPredictions,
  SubmissionsClosedError,
  UnregisteredMinerError,
  type SoilRegion,
} from '../../lib/validator';
import { BOUNDS, counts, CRS, filled, hotkeyOf, pgHarness, range, regionInput, seedMiners, soilPrediction, type Harness } from './fixtures';

const T = new Date('2025-05-01T07:30:00Z');
let h: Harness;
let region: SoilRegion;

beforeAll(async () => {
  h = await pgHarness('soil_intake');
  await h.session((s) => seedMiners(s, range(256)));
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  region = (await h.session((s) => createRegions(s, [regionInput(T)])))[0]!;
});

const predictionsOf = (regionId: number) =>
  h.session((s) =>
    s.query<{ id: string; miner_uid: number; surface_sm: number[]; status: string; retry_count: number; target_time: Date }>(
      'SELECT id, miner_uid, surface_sm, status, retry_count, target_time FROM soil_predictions WHERE region_id = $1 ORDER BY miner_uid',
      [regionId],
    ),
  ).then((r) => r.rows);

describe('createRegions', () => {
  it('stores every field and returns the rows with their ids', async () => {
    // Prepare
    const raster = new Uint8Array([0, 1, 2, 255]);
    // Act
    const [r] = await h.session((s) => createRegions(s, [{ ...regionInput(T, 3), inputRaster: raster, arrayShape: [11, 11] }]));
    // Assess
    expect(r).toMatchObject({ regionDate: '2025-05-01', targetTime: T, bbox: [-97, 30, -96, 31], sentinelBounds: BOUNDS, sentinelCrs: CRS, status: 'sent_to_miners', arrayShape: [11, 11] });
    expect(Array.from(r!.inputRaster!)).toEqual([0, 1, 2, 255]);
    expect(r!.id).toBeGreaterThan(0);
  });

  it('refuses a malformed region and writes nothing', async () => {
    // Prepare
    const before = await h.session(counts);
    // Act
    const err = await h.session((s) => createRegions(s, [regionInput(T), { ...regionInput(T), sentinelBounds: [1, 2, 3] }])).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(BadInputError);
    expect(await h.session(counts)).toEqual(before);
  });
});

describe('submitSoilPrediction', () => {
  it('inserts, then replaces the same miner’s prediction for the region and starts it over', async () => {
    // Prepare: the first answer has been tried once already
    const first = await h.session((s) => submitSoilPrediction(s, soilPrediction(region, 5, 0.1)));
    await h.session((s) => s.transaction((tx) => tx.query("UPDATE soil_predictions SET status = 'retry_scheduled', retry_count = 2, next_retry_time = now() WHERE id = $1", [first.id])));
    // Act
    const second = await h.session((s) => submitSoilPrediction(s, soilPrediction(region, 5, 0.4)));
    // Assess
    expect(first.replaced).toBe(false);
    expect(second).toEqual({ id: first.id, replaced: true });
    const rows = await predictionsOf(region.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ miner_uid: 5, status: 'sent_to_miner', retry_count: 0, target_time: T });
    expect(rows[0]!.surface_sm).toEqual(Array(121).fill(0.4));
  });

  it('stores a region’s worth of 256 miners in one call, NaN pixels included', async () => {
    // Prepare
    const batch = range(256).map((uid) => ({ ...soilPrediction(region, uid, 0.2), surfaceSm: filled(0.2).map((row, i) => (i === 0 ? row.map(() => Number.NaN) : row)) }));
    // Act
    const results = await h.session((s) => submitSoilPredictions(s, batch));
    // Assess
    expect(results).toHaveLength(256);
    expect(results.every((r) => !r.replaced)).toBe(true);
    const rows = await predictionsOf(region.id);
    expect(rows.map((r) => Number(r.id))).toEqual(results.map((r) => r.id));
    expect(rows[7]!.surface_sm.slice(0, 11).every(Number.isNaN)).toBe(true);
    expect(rows[7]!.surface_sm[11]).toBe(0.2);
  });

  it.each([
    ['an echo of other sentinel bounds', BadInputError, () => ({ ...soilPrediction(region, 1, 0.2), sentinelBounds: [1, 2, 3, 4] })],
    ['an echo of another CRS', BadInputError, () => ({ ...soilPrediction(region, 1, 0.2), sentinelCrs: 4326 })],
    ['a 10x11 grid', BadInputError, () => ({ ...soilPrediction(region, 1, 0.2), rootzoneSm: filled(0.2).slice(1) })],
    ['a string pixel', BadInputError, () => ({ ...soilPrediction(region, 1, 0.2), surfaceSm: filled(0.2).map((r) => r.map(() => 'x' as unknown as number)) })],
    ['an unknown region', NotFoundError, () => ({ ...soilPrediction({ id: 987_654 }, 1, 0.2) })],
    ['a hotkey not registered at that uid', UnregisteredMinerError, () => ({ ...soilPrediction(region, 1, 0.2), hotkey: hotkeyOf(2) })],
  ])('refuses %s (%o) and writes nothing, in a batch with valid ones', async (_name, type, bad) => {
    // Prepare
    const before = await h.session(counts);
    // Act
    const err = await h.session((s) => submitSoilPredictions(s, [soilPrediction(region, 0, 0.2), bad()])).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(type);
    expect(await h.session(counts)).toEqual(before);
  });

  it('closes a region once its truth is stored', async () => {
    // Prepare
    await h.session((s) => storeSoilTruth(s, region.id, { surface: filled(0.2), rootzone: filled(0.3) }));
    // Act
    const err = await h.session((s) => submitSoilPrediction(s, soilPrediction(region, 9, 0.2))).catch((e: unknown) => e);
    // Assess: a BadInputError of its own kind
    expect(err).toBeInstanceOf(SubmissionsClosedError);
    expect(err).toBeInstanceOf(BadInputError);
    expect(await predictionsOf(region.id)).toEqual([]);
  });
});

describe('storeSoilTruth', () => {
  it('stores, then replaces, a region’s truth with its missing pixels', async () => {
    // Prepare
    const surface = filled(0.25).map((row, i) => (i === 10 ? row.map(() => Number.NaN) : row));
    // Act
    const first = await h.session((s) => storeSoilTruth(s, region.id, { surface, rootzone: filled(0.3) }));
    const second = await h.session((s) => storeSoilTruth(s, region.id, { surface, rootzone: filled(0.35) }));
    // Assess
    expect(first).toEqual({ regionId: region.id, replaced: false });
    expect(second).toEqual({ regionId: region.id, replaced: true });
    const row = (await h.session((s) => s.query<{ surface_sm: number[]; rootzone_sm: number[] }>('SELECT surface_sm, rootzone_sm FROM soil_truth WHERE region_id = $1', [region.id]))).rows[0]!;
    expect(row.rootzone_sm).toEqual(Array(121).fill(0.35));
    expect(row.surface_sm.slice(110).every(Number.isNaN)).toBe(true);
  });

  it('refuses an unknown region (NotFoundError) and a wrong shape (BadInputError), writing nothing', async () => {
    // Prepare
    const before = await h.session(counts);
    // Act
    const unknown = await h.session((s) => storeSoilTruth(s, 987_654, { surface: filled(0.2), rootzone: filled(0.2) })).catch((e: unknown) => e);
    const shape = await h.session((s) => storeSoilTruth(s, region.id, { surface: [[0.2]], rootzone: filled(0.2) })).catch((e: unknown) => e);
    // Assess
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).entity).toBe('region');
    expect(shape).toBeInstanceOf(BadInputError);
    expect(await h.session(counts)).toEqual(before);
  });
});
