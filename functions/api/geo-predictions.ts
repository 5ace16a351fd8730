// POST /geo/predictions (miner): the Dst prediction for an hour; a re-submission for the same hour replaces it.
import { z } from 'zod';
import { created, fields, httpRoute, ok, registeredMiner, sharedDatabase } from '../../lib/api';
import { submitGeoPrediction } from '../../lib/validator';

const body = z.strictObject({
  hotkey: fields.hotkey,
  /** Start of the predicted hour, ISO 8601 with a time zone. */
  queryTime: fields.isoHour,
  value: fields.finite,
});

export const handler = httpRoute({ route: 'POST /geo/predictions', db: sharedDatabase, body, miner: true }, async ({ session, body, hotkey }) => {
  const miner = await registeredMiner(session, hotkey);
  const result = await submitGeoPrediction(session, { hotkey: miner.hotkey, uid: miner.uid, queryTime: body.queryTime, value: body.value });
  return result.replaced ? ok(result) : created(result);
});
