// The miner route as it was before signed requests (the baseline of the comparison): the body's `hotkey` trusted,
// its slot read on the session, then the old intake transaction (registration re-checked, closed hour checked,
// upsert): 1 + 5 round trips. Served at its own path so the benchmark server carries both routes.
import { z } from 'zod';
import { created, fields, httpRoute, ok, routeSpecOf, sharedDatabase, unprocessable } from '../../lib/api';
import { minerByHotkey, submitGeoPrediction } from '../../lib/validator';

export const UNSIGNED_PATH = '/bench/unsigned/geo/predictions';

const body = z.strictObject({ hotkey: fields.hotkey, queryTime: fields.isoHour, value: fields.finite });

export const unsignedGeoRoute = { ...routeSpecOf('POST /geo/predictions'), path: UNSIGNED_PATH, miner: false };

export const unsignedGeoHandler = httpRoute({ route: unsignedGeoRoute, db: sharedDatabase, body }, async ({ session, body }) => {
  const miner = await minerByHotkey(session, body.hotkey);
  if (!miner) throw unprocessable('body.hotkey', 'not registered in the metagraph');
  const result = await submitGeoPrediction(session, { hotkey: miner.hotkey, uid: miner.uid, queryTime: body.queryTime, value: body.value });
  return result.replaced ? ok(result) : created(result);
});
