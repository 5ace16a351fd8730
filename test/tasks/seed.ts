// A deterministic day of work for the steps: the same call on two databases gives identical tables, so a
// killed-and-resumed run can be compared with a clean one on a twin.
import {
  storeGeoTruth,
  storeSoilTruth,
  submitGeoPredictions,
  submitSoilPredictions,
  type AnySession,
} from '../../lib/validator';
import { BOUNDS, CRS, DAY, filled, HOUR, hotkeyOf, range, seedMiners, seedRegions } from '../validator/fixtures';

export const SEED_DAY = new Date('2025-02-10T00:00:00Z');
/** 3 days and 22 hours later: every soil time of the day is due; every geo hour is over. */
export const SEED_NOW = new Date(SEED_DAY.getTime() + 3 * DAY + 22 * HOUR);
export const SEED_MINERS = 40;

const SOIL_TIMES = ['01:30', '07:30', '13:30', '19:30'].map((hhmm) => new Date(`2025-02-10T${hhmm}:00Z`));

/**
 * Soil: 4 times x 2 regions x 40 miners; the regions of 19:30 have no truth (retries); uid % 13 == 0 answers
 * region 0 of each time with an empty grid (discarded). Geo: 8 hours x 40 miners, truth for the first 6.
 */
export async function seedDay(s: AnySession): Promise<{ soilPredictions: number; geoPredictions: number }> {
  await seedMiners(s, range(SEED_MINERS));
  const regions = await seedRegions(s, SOIL_TIMES, 2);
  for (const [ri, region] of regions.entries()) {
    await submitSoilPredictions(
      s,
      range(SEED_MINERS).map((uid) => {
        const v = 0.2 + ((uid * 7 + ri * 3) % 23) / 100;
        const empty = uid % 13 === 0 && ri % 2 === 0;
        return {
          regionId: region.id,
          uid,
          hotkey: hotkeyOf(uid),
          surfaceSm: empty ? filled(Number.NaN) : filled(v),
          rootzoneSm: filled(v + 0.05),
          sentinelBounds: BOUNDS,
          sentinelCrs: CRS,
        };
      }),
    );
    if (region.targetTime.getUTCHours() !== 19) {
      await storeSoilTruth(s, region.id, { surface: filled(0.25), rootzone: filled(0.3).map((row, i) => row.map((x, j) => x + (i - j) / 1000)) });
    }
  }
  const hours = range(8).map((i) => new Date(SEED_DAY.getTime() + i * HOUR));
  for (const [i, hour] of hours.entries()) {
    await submitGeoPredictions(s, range(SEED_MINERS).map((uid) => ({ uid, hotkey: hotkeyOf(uid), queryTime: hour, value: ((uid * 11 + i * 5) % 21) / 10 - 1 })));
  }
  await storeGeoTruth(s, hours.slice(0, 6).map((hour, i) => ({ hour, dst: -20 + 7 * i })));
  return { soilPredictions: regions.length * SEED_MINERS, geoPredictions: hours.length * SEED_MINERS };
}
