// POST /geo/predictions (miner, Epistula v2 signed): the Dst prediction for an hour, accepted while the hour has
// not begun (its submission window, by the server's clock); a re-submission inside the window replaces it.
import { z } from 'zod';
import { created, fields, httpRoute, ok, sharedDatabase, trustSettings } from '../../lib/api';
import { submitSignedGeoPrediction } from '../../lib/validator';

const body = z.strictObject({
  /** Optional, for older clients: must be the Epistula-Signed-By hotkey (the signer is the miner). */
  hotkey: fields.hotkey.optional(),
  /** Start of the predicted hour, ISO 8601 with a time zone. */
  queryTime: fields.isoHour,
  value: fields.finite,
});

export const handler = httpRoute({ route: 'POST /geo/predictions', db: sharedDatabase, body, miner: true }, async ({ session, body, miner }) => {
  const result = await submitSignedGeoPrediction(session, { ...miner, queryTime: body.queryTime, value: body.value }, trustSettings().windows);
  return result.replaced ? ok(result) : created(result);
});
