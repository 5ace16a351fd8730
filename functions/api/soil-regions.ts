// POST /soil/regions (admin): stores the regions of a target time (bbox, sentinel echo, optional input raster).
// `closesAt` (optional, default the target time, never later) ends the region's submission window.
import { z } from 'zod';
import { created, fields, httpRoute, sharedDatabase } from '../../lib/api';
import { createRegions, MAX_REGIONS_PER_CALL, SOIL_REGION_STATUSES } from '../../lib/validator';

const four = z.tuple([fields.finite, fields.finite, fields.finite, fields.finite], { error: 'expected 4 finite numbers' });

const region = z.strictObject({
  regionDate: fields.isoDate,
  targetTime: fields.isoDateTime,
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: four,
  sentinelBounds: four,
  sentinelCrs: fields.positiveInt32,
  status: z.enum(SOIL_REGION_STATUSES).optional(),
  /** The input raster, base64. */
  inputRaster: z.base64({ error: 'expected base64 text' }).nullable().optional(),
  arrayShape: z.array(fields.positiveInt32).min(1).max(4).nullable().optional(),
  /** Predictions are accepted while the server's clock is before this; default (and latest) the target time. */
  closesAt: fields.isoDateTime.optional(),
}).refine(
  // zod runs an object's refinement even when a field failed (the field then holds the raw input): guard the types.
  (r) => !(r.closesAt instanceof Date && r.targetTime instanceof Date) || r.closesAt.getTime() <= r.targetTime.getTime(),
  { path: ['closesAt'], error: 'must not be later than targetTime' },
);

const body = z.strictObject({
  regions: z.array(region).min(1, { error: 'at least one region' }).max(MAX_REGIONS_PER_CALL, { error: `at most ${MAX_REGIONS_PER_CALL} regions per call` }),
});

export const handler = httpRoute({ route: 'POST /soil/regions', db: sharedDatabase, body }, async ({ session, body }) => {
  const stored = await createRegions(
    session,
    body.regions.map((r) => ({ ...r, inputRaster: r.inputRaster == null ? r.inputRaster : Buffer.from(r.inputRaster, 'base64') })),
  );
  // The raster is not echoed back: it can be most of the request.
  return created({ regions: stored.map(({ inputRaster: _raster, ...rest }) => rest) });
});
