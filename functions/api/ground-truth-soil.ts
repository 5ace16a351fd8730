// POST /ground-truth/soil (admin): a region's measured 11x11 grids (null = no data, stored as NaN).
import { z } from 'zod';
import { fields, httpRoute, ok, sharedDatabase } from '../../lib/api';
import { storeSoilTruth } from '../../lib/validator';

const body = z.strictObject({
  regionId: z.number().int().positive(),
  surfaceSm: fields.grid,
  rootzoneSm: fields.grid,
});

export const handler = httpRoute({ route: 'POST /ground-truth/soil', db: sharedDatabase, body }, async ({ session, body }) =>
  ok(await storeSoilTruth(session, body.regionId, { surface: body.surfaceSm, rootzone: body.rootzoneSm })),
);
