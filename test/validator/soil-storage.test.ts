// Soil rows keep their grids inline (drizzle/0002_soil_grids_inline.sql): nothing goes to the toast tables, so
// the scoring step's copy into history and delete of the prediction touch one heap row each, not four toast rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoilStep } from '../../lib/tasks';
import { storeSoilTruth, submitSoilPredictions } from '../../lib/validator';
import { BOUNDS, CRS, DAY, HOUR, hotkeyOf, pgHarness, range, seedMiners, seedRegions, type Harness } from './fixtures';

const TARGET = new Date('2025-03-01T07:30:00Z');
const MINERS = 8;

let h: Harness;
beforeAll(async () => {
  h = await pgHarness('soil_storage');
});
afterAll(async () => {
  await h.close();
});

/** 11x11 values that differ pixel by pixel (constant grids would compress to nothing and prove nothing). */
const varied = (seed: number) => range(11).map((i) => range(11).map((j) => 0.1 + ((Math.sin(seed * 7.13 + i * 11 + j) * 1e4) % 1) * 0.3));

/** Bytes in the toast table of `table`. */
const toastBytes = (table: string) =>
  h.session(async (s) => {
    const res = await s.query<{ bytes: string }>('SELECT pg_relation_size(reltoastrelid)::text AS bytes FROM pg_class WHERE oid = $1::regclass', [`public.${table}`]);
    return Number(res.rows[0]!.bytes);
  });

describe('soil grid storage', () => {
  it('keeps predictions and history rows (four 11x11 grids each, ~4 KB) out of the toast tables', async () => {
    // Prepare
    await h.session(async (s) => {
      await seedMiners(s, range(MINERS));
      const [region] = await seedRegions(s, [TARGET], 1);
      await submitSoilPredictions(
        s,
        range(MINERS).map((uid) => ({
          regionId: region!.id,
          uid,
          hotkey: hotkeyOf(uid),
          surfaceSm: varied(uid * 4),
          rootzoneSm: varied(uid * 4 + 1),
          uncertaintySurface: varied(uid * 4 + 2),
          uncertaintyRootzone: varied(uid * 4 + 3),
          sentinelBounds: BOUNDS,
          sentinelCrs: CRS,
        })),
      );
      await storeSoilTruth(s, region!.id, { surface: varied(1000), rootzone: varied(1001) });
    });
    const whileWaiting = await toastBytes('soil_predictions');
    // Act
    const summary = await h.session((s) => runSoilStep(s, { now: new Date(TARGET.getTime() + 3 * DAY + HOUR) }));
    // Assess
    expect(summary.scored).toBe(MINERS);
    expect(whileWaiting).toBe(0);
    expect(await toastBytes('soil_history')).toBe(0);
  });
});
