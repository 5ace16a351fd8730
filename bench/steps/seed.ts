// The work each step is measured on, seeded once through the validator's own intake (the paths production
// writes through). Values differ pixel by pixel and miner by miner: constant grids would compress to
// nothing in TOAST and make every array cheaper than real ones.
import {
  storeGeoTruth,
  storeSoilTruth,
  submitGeoPredictions,
  submitSoilPredictions,
  upsertScoreRows,
  type AnySession,
  type ScoreRowInput,
} from '../../lib/validator';
import { BOUNDS, CRS, DAY, HOUR, hotkeyOf, range, seedRegions } from '../../test/validator/fixtures';

export const MINERS = 256;
export const SOIL_REGIONS = 5;
export const SOIL_PREDICTIONS = SOIL_REGIONS * MINERS;
const SOIL_TIME = new Date('2025-02-10T13:30:00Z');
/** The truth's 3-day delay and an hour more after the target time: every prediction is due. */
export const SOIL_NOW = new Date(SOIL_TIME.getTime() + 3 * DAY + HOUR);

const GEO_HOUR = new Date('2025-02-10T12:00:00Z');
/** The hour is over and its truth stored: all 256 predictions are scored. */
export const GEO_NOW = new Date(GEO_HOUR.getTime() + 2 * HOUR);

export const WEIGHTS_NOW = new Date('2025-02-20T00:00:00Z');
export const WEIGHTS_LOOKBACK_DAYS = 3;
/** Score rows in the window: one per geo hour, four soil times a day. */
export const WEIGHTS_GEO_ROWS = WEIGHTS_LOOKBACK_DAYS * 24;
export const WEIGHTS_SOIL_ROWS = WEIGHTS_LOOKBACK_DAYS * 4;

/** A deterministic value in [0, 1) per (seed, k). */
const noise = (seed: number, k: number) => {
  const x = Math.sin(seed * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

/** 11x11 values in [lo, lo + span); every `nanEvery`-th pixel NaN (a truth's missing pixels). */
function grid(seed: number, lo: number, span: number, nanEvery = 0): number[][] {
  return range(11).map((i) =>
    range(11).map((j) => {
      const k = i * 11 + j;
      return nanEvery > 0 && (k + seed) % nanEvery === 0 ? Number.NaN : lo + span * noise(seed, k);
    }),
  );
}

/** 5 regions of one target time x 256 miners, each prediction with all four grids; every region has its truth. */
export async function seedSoilWork(s: AnySession): Promise<void> {
  const regions = await seedRegions(s, [SOIL_TIME], SOIL_REGIONS);
  for (const [ri, region] of regions.entries()) {
    await submitSoilPredictions(
      s,
      range(MINERS).map((uid) => {
        const seed = ri * 4096 + uid * 4;
        return {
          regionId: region.id,
          uid,
          hotkey: hotkeyOf(uid),
          surfaceSm: grid(seed, 0.1, 0.3),
          rootzoneSm: grid(seed + 1, 0.15, 0.3),
          uncertaintySurface: grid(seed + 2, 0.01, 0.05),
          uncertaintyRootzone: grid(seed + 3, 0.01, 0.05),
          sentinelBounds: BOUNDS,
          sentinelCrs: CRS,
        };
      }),
    );
    await storeSoilTruth(s, region.id, { surface: grid(100_000 + ri, 0.1, 0.3, 17), rootzone: grid(200_000 + ri, 0.15, 0.3, 19) });
  }
}

/** One hour of 256 miners with the hour's truth: what an hourly run of the geo step finds. */
export async function seedGeoHour(s: AnySession): Promise<void> {
  await submitGeoPredictions(s, range(MINERS).map((uid) => ({ uid, hotkey: hotkeyOf(uid), queryTime: GEO_HOUR, value: 2 * noise(7, uid) - 1 })));
  await storeGeoTruth(s, [{ hour: GEO_HOUR, dst: -35 }]);
}

/** The score rows of a 3-day window before WEIGHTS_NOW: 72 geo hours and 12 soil times, some uids unscored. */
export async function seedScoreWindow(s: AnySession): Promise<void> {
  const vector = (seed: number) => range(MINERS).map((uid) => (uid % 17 === seed % 17 ? Number.NaN : noise(seed, uid)));
  const geo: ScoreRowInput[] = range(WEIGHTS_GEO_ROWS, 1).map((h) => ({
    taskName: 'geomagnetic',
    taskTime: new Date(WEIGHTS_NOW.getTime() - (h + 1) * HOUR),
    score: vector(h),
    createdAt: new Date(WEIGHTS_NOW.getTime() - h * HOUR),
  }));
  const soil: ScoreRowInput[] = range(WEIGHTS_SOIL_ROWS).map((i) => ({
    taskName: 'soil_moisture',
    // Scored three days after its target time, like the soil step does.
    taskTime: new Date(WEIGHTS_NOW.getTime() - 3 * DAY - (i * 6 + 1) * HOUR),
    score: vector(1000 + i),
    createdAt: new Date(WEIGHTS_NOW.getTime() - (i * 6 + 1) * HOUR),
  }));
  await s.transaction((tx) => upsertScoreRows(tx, [...geo, ...soil]));
}
