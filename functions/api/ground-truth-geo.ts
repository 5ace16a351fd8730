// POST /ground-truth/geo (admin): hourly Dst readings in nT (stored divided by 100); |Dst| > 1000 is bad data.
import { z } from 'zod';
import { fields, httpRoute, ok, sharedDatabase } from '../../lib/api';
import { MAX_GEO_TRUTH_PER_CALL, MAX_RAW_DST, storeGeoTruth } from '../../lib/validator';

const reading = z.strictObject({
  hour: fields.isoHour,
  dst: fields.finite.min(-MAX_RAW_DST, { error: `|Dst| > ${MAX_RAW_DST} nT is bad data` }).max(MAX_RAW_DST, { error: `|Dst| > ${MAX_RAW_DST} nT is bad data` }),
});

const body = z.strictObject({
  rows: z
    .array(reading)
    .min(1, { error: 'at least one reading' })
    .max(MAX_GEO_TRUTH_PER_CALL, { error: `at most ${MAX_GEO_TRUTH_PER_CALL} readings per call` })
    .superRefine(fields.uniqueBy('hour')),
});

export const handler = httpRoute({ route: 'POST /ground-truth/geo', db: sharedDatabase, body }, async ({ session, body }) =>
  ok({ stored: await storeGeoTruth(session, body.rows) }),
);
