// POST /soil/predictions (miner, Epistula v2 signed): one miner's 11x11 surface and rootzone grids for a region,
// accepted until the region's closesAt (server clock); a re-submission replaces the earlier one. Grid cells:
// finite numbers, or null for "no data" (stored as NaN).
import { z } from 'zod';
import { created, fields, httpRoute, ok, sharedDatabase, trustSettings } from '../../lib/api';
import { submitSignedSoilPrediction } from '../../lib/validator';

const body = z.strictObject({
  /** Optional, for older clients: must be the Epistula-Signed-By hotkey (the signer is the miner). */
  hotkey: fields.hotkey.optional(),
  regionId: z.number().int().positive(),
  surfaceSm: fields.grid,
  rootzoneSm: fields.grid,
  uncertaintySurface: fields.grid.nullable().optional(),
  uncertaintyRootzone: fields.grid.nullable().optional(),
  /** Echo of the region's; a different echo is refused. */
  sentinelBounds: z.tuple([fields.finite, fields.finite, fields.finite, fields.finite], { error: 'expected 4 finite numbers' }),
  sentinelCrs: fields.positiveInt32,
});

export const handler = httpRoute({ route: 'POST /soil/predictions', db: sharedDatabase, body, miner: true }, async ({ session, body, miner }) => {
  const { hotkey: _claimed, ...prediction } = body;
  const result = await submitSignedSoilPrediction(session, { ...miner, ...prediction }, trustSettings().windows);
  return result.replaced ? ok(result) : created(result);
});
