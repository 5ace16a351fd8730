// Soil-moisture intake: regions, miners' predictions (one per miner per region) and ground truth.
// submitSoilPrediction(s) is the trusted batch write (seeds, imports, tests, benchmarks): no signature and no window
// (closes_at is not checked). Miners' requests go through submitSignedSoilPrediction (soil-submission.ts).
import { sql } from 'drizzle-orm';
import { BadInputError } from '../db';
import { NotFoundError, SubmissionsClosedError, UnregisteredMinerError } from './errors';
import { firstUnregistered } from './miners';
import { soilPredictions, soilRegions, UID_COUNT, type SoilRegion } from './schema';
import { floats, inTransaction, toDate, toNumber, type Executor } from './sql';
import type { RegionInput, SoilGridsInput, SoilPredictionInput, SoilTruthInput, SubmitResult } from './types';
import { checkBatch, checkDate, checkFloats, checkInt, checkKey, checkUid, checkUnique, fail, flatGrid } from './validate';

/** Regions per call: a day is 4 target times x 5 regions; room for backfills. */
export const MAX_REGIONS_PER_CALL = 100;
/** Predictions per call: one region's worth of miners. */
export const MAX_SOIL_PREDICTIONS_PER_CALL = UID_COUNT;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export async function createRegions(session: Executor, regions: readonly RegionInput[]): Promise<SoilRegion[]> {
  checkBatch('regions', regions, MAX_REGIONS_PER_CALL);
  regions.forEach((r, i) => checkRegion(`regions[${i}]`, r));
  if (regions.length === 0) return [];
  const values = regions.map((r) => ({
    regionDate: r.regionDate,
    targetTime: r.targetTime,
    bbox: [...r.bbox] as SoilRegion['bbox'],
    sentinelBounds: floats(r.sentinelBounds),
    sentinelCrs: r.sentinelCrs,
    status: r.status ?? 'pending',
    inputRaster: r.inputRaster ?? null,
    arrayShape: r.arrayShape ? [...r.arrayShape] : null,
    closesAt: r.closesAt ?? r.targetTime,
  }));
  return inTransaction(session, (tx) => tx.db.insert(soilRegions).values(values).returning());
}

/** One prediction; see submitSoilPredictions. */
export async function submitSoilPrediction(session: Executor, p: SoilPredictionInput): Promise<SubmitResult> {
  const [result] = await submitSoilPredictions(session, [p]);
  return result!;
}

/**
 * Stores predictions, replacing a miner's earlier one for the same region (UNIQUE (region_id, miner_uid));
 * a replacement starts over (status sent_to_miner, no retries). All or nothing:
 * - BadInputError: wrong shape, or a sentinel bounds/CRS echo that differs from the region's;
 * - UnregisteredMinerError (a BadInputError): a (uid, hotkey) that is not a registered slot;
 * - SubmissionsClosedError (a BadInputError): the region's truth is already stored (a late answer could copy it);
 * - NotFoundError: an unknown region.
 */
export async function submitSoilPredictions(session: Executor, predictions: readonly SoilPredictionInput[]): Promise<SubmitResult[]> {
  checkBatch('predictions', predictions, MAX_SOIL_PREDICTIONS_PER_CALL);
  const rows = predictions.map((p, i) => prepareSoilPrediction(`predictions[${i}]`, p));
  checkUnique('predictions: region and uid', predictions, (p) => `${p.regionId}/${p.uid}`);
  if (rows.length === 0) return [];

  return inTransaction(session, async (tx) => {
    const regionIds = [...new Set(predictions.map((p) => p.regionId))];
    // FOR SHARE: the region (and so its echo and truth state) cannot change under this insert.
    const found = await tx.query<{ id: unknown; target_time: unknown; sentinel_bounds: number[]; sentinel_crs: number; has_truth: boolean }>(
      `SELECT r.id, r.target_time, r.sentinel_bounds, r.sentinel_crs,
              EXISTS (SELECT 1 FROM soil_truth t WHERE t.region_id = r.id) AS has_truth
       FROM soil_regions r WHERE r.id = ANY($1::bigint[]) FOR SHARE OF r`,
      [regionIds],
    );
    const regions = new Map(found.rows.map((r) => [toNumber(r.id), r]));
    for (const p of predictions) {
      const region = regions.get(p.regionId);
      if (!region) throw new NotFoundError('region', p.regionId);
      if (region.has_truth) throw new SubmissionsClosedError(`region ${p.regionId} already has ground truth: submissions are closed`);
      const sameEcho =
        region.sentinel_crs === p.sentinelCrs &&
        region.sentinel_bounds.length === p.sentinelBounds.length &&
        region.sentinel_bounds.every((v, i) => v === p.sentinelBounds[i]);
      if (!sameEcho) throw new BadInputError(`sentinel bounds/CRS echo differs from region ${p.regionId}`);
    }
    const stranger = await firstUnregistered(tx, predictions);
    if (stranger) throw new UnregisteredMinerError(stranger.uid, stranger.hotkey);

    const values = rows.map((row, i) => ({ ...row, targetTime: toDate(regions.get(predictions[i]!.regionId)!.target_time) }));
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    const written = await tx.db
      .insert(soilPredictions)
      .values(values)
      .onConflictDoUpdate({
        target: [soilPredictions.regionId, soilPredictions.minerUid],
        set: {
          minerHotkey: excluded('miner_hotkey'),
          surfaceSm: excluded('surface_sm'),
          rootzoneSm: excluded('rootzone_sm'),
          uncertaintySurface: excluded('uncertainty_surface'),
          uncertaintyRootzone: excluded('uncertainty_rootzone'),
          sentinelBounds: excluded('sentinel_bounds'),
          sentinelCrs: excluded('sentinel_crs'),
          status: 'sent_to_miner',
          retryCount: 0,
          nextRetryTime: null,
          retryErrorMessage: null,
          createdAt: sql`now()`,
        },
      })
      .returning({
        id: soilPredictions.id,
        regionId: soilPredictions.regionId,
        minerUid: soilPredictions.minerUid,
        // xmax is 0 for a freshly inserted row version, the updater's id for a replaced one.
        inserted: sql<boolean>`(xmax = 0)`,
      });
    const byKey = new Map(written.map((w) => [`${w.regionId}/${w.minerUid}`, w]));
    return predictions.map((p) => {
      const w = byKey.get(`${p.regionId}/${p.uid}`)!;
      return { id: w.id, replaced: !w.inserted };
    });
  });
}

/**
 * Stores (or replaces) the ground truth of a region. NaN marks a missing pixel. Unknown region -> NotFoundError.
 * Returns whether an earlier truth was replaced.
 */
export async function storeSoilTruth(session: Executor, regionId: number, truth: SoilTruthInput): Promise<{ regionId: number; replaced: boolean }> {
  checkInt('regionId', regionId);
  if (typeof truth !== 'object' || truth === null) fail('truth must be an object');
  const surface = flatGrid('truth.surface', truth.surface);
  const rootzone = flatGrid('truth.rootzone', truth.rootzone);
  const res = await inTransaction(session, (tx) =>
    tx.query<{ inserted: boolean }>(
      `INSERT INTO soil_truth (region_id, surface_sm, rootzone_sm, received_at)
       SELECT id, $2::float8[], $3::float8[], now() FROM soil_regions WHERE id = $1
       ON CONFLICT (region_id) DO UPDATE SET
         surface_sm = excluded.surface_sm, rootzone_sm = excluded.rootzone_sm, received_at = excluded.received_at
       RETURNING (xmax = 0) AS inserted`,
      [regionId, surface, rootzone],
    ),
  );
  const row = res.rows[0];
  if (!row) throw new NotFoundError('region', regionId);
  return { regionId, replaced: !row.inserted };
}

function checkRegion(name: string, r: RegionInput): void {
  if (typeof r !== 'object' || r === null) fail(`${name} must be an object`);
  if (typeof r.regionDate !== 'string' || !DATE_RE.test(r.regionDate) || Number.isNaN(Date.parse(r.regionDate))) {
    fail(`${name}.regionDate must be YYYY-MM-DD`);
  }
  checkDate(`${name}.targetTime`, r.targetTime);
  if (r.closesAt !== undefined) {
    checkDate(`${name}.closesAt`, r.closesAt);
    if (r.closesAt.getTime() > r.targetTime.getTime()) fail(`${name}.closesAt must not be later than its targetTime`);
  }
  checkFloats(`${name}.bbox`, r.bbox, 4);
  checkFloats(`${name}.sentinelBounds`, r.sentinelBounds, 4);
  checkInt(`${name}.sentinelCrs`, r.sentinelCrs);
  if (r.status !== undefined && r.status !== 'pending' && r.status !== 'sent_to_miners') fail(`${name}.status must be pending or sent_to_miners`);
  if (r.inputRaster !== undefined && r.inputRaster !== null && !(r.inputRaster instanceof Uint8Array)) fail(`${name}.inputRaster must be bytes`);
  if (r.arrayShape !== undefined && r.arrayShape !== null) {
    if (!Array.isArray(r.arrayShape) || !r.arrayShape.every((d) => Number.isInteger(d) && d > 0)) fail(`${name}.arrayShape must be positive integers`);
  }
}

/** Validates one prediction and returns its row (without target_time, which comes from the region). */
function prepareSoilPrediction(name: string, p: SoilPredictionInput) {
  if (typeof p !== 'object' || p === null) fail(`${name} must be an object`);
  checkInt(`${name}.regionId`, p.regionId);
  checkUid(`${name}.uid`, p.uid);
  checkKey(`${name}.hotkey`, p.hotkey);
  return { regionId: p.regionId, minerUid: p.uid, minerHotkey: p.hotkey, ...prepareSoilGrids(name, p) };
}

/** The grids and echo of a prediction, checked, as stored (grids flattened row-major; null when absent). */
export function prepareSoilGrids(name: string, p: SoilGridsInput) {
  checkFloats(`${name}.sentinelBounds`, p.sentinelBounds, 4);
  checkInt(`${name}.sentinelCrs`, p.sentinelCrs);
  const optionalGrid = (field: string, g: unknown) => (g === undefined || g === null ? null : flatGrid(`${name}.${field}`, g));
  return {
    surfaceSm: flatGrid(`${name}.surfaceSm`, p.surfaceSm),
    rootzoneSm: flatGrid(`${name}.rootzoneSm`, p.rootzoneSm),
    uncertaintySurface: optionalGrid('uncertaintySurface', p.uncertaintySurface),
    uncertaintyRootzone: optionalGrid('uncertaintyRootzone', p.uncertaintyRootzone),
    sentinelBounds: floats(p.sentinelBounds),
    sentinelCrs: p.sentinelCrs,
  };
}
