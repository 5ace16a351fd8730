// POST /soil/predictions (miner): one miner's 11x11 surface and rootzone grids for a region; a re-submission
// replaces the earlier one. Grid cells: finite numbers, or null for "no data" (stored as NaN).
import { z } from 'zod';
import { created, fields, httpRoute, ok, registeredMiner, sharedDatabase } from '../../lib/api';
import { submitSoilPrediction } from '../../lib/validator';

const body = z.strictObject({
  hotkey: fields.hotkey,
  regionId: z.number().int().positive(),
  surfaceSm: fields.grid,
  rootzoneSm: fields.grid,
  uncertaintySurface: fields.grid.nullable().optional(),
  uncertaintyRootzone: fields.grid.nullable().optional(),
  /** Echo of the region's; a different echo is refused. */
  sentinelBounds: z.tuple([fields.finite, fields.finite, fields.finite, fields.finite], { error: 'expected 4 finite numbers' }),
  sentinelCrs: z.number().int().positive(),
});

export const handler = httpRoute({ route: 'POST /soil/predictions', db: sharedDatabase, body, miner: true }, async ({ session, body, hotkey }) => {
  const miner = await registeredMiner(session, hotkey);
  const result = await submitSoilPrediction(session, { ...body, hotkey: miner.hotkey, uid: miner.uid });
  return result.replaced ? ok(result) : created(result);
});
