// What the chaos load sends, built in ONE place: request i of a scenario and the write it asks for, so that every
// acknowledged write can be found again and every refused one looked for. Miner submissions and admin ground truth
// alternate; every request writes its own key with its own value.
//
// When miner submissions require signatures (Epistula v2) and submission windows, this is the function that signs
// them and picks the hour: nothing else in the suite builds a request.
import type { RequestOptions } from '../../support/apigw';
import { hotkeyFor } from '../../support/api-fixtures';
import type { HandlerName } from './containers';

export const ADMIN_TOKEN = 'chaos-admin-token-0123456789abcdef';
export const MINERS = 256;

const HOUR = 3_600_000;
/** Predictions far from any truth (storing an hour's truth closes its submissions). */
const PREDICTION_EPOCH = Date.UTC(2030, 0, 1);
const TRUTH_EPOCH = Date.UTC(2010, 0, 1);
/** One request in TRUTH_EVERY is an admin write. */
const TRUTH_EVERY = 4;

export type Write = { table: 'geo_predictions' | 'geo_truth'; key: string; value: number };
export type PlannedRequest = { i: number; route: string; handler: HandlerName; options: RequestOptions; write: Write };

export const predictionKey = (uid: number, hourMs: number) => `${uid}@${hourMs}`;
export const truthKey = (hourMs: number) => `truth@${hourMs}`;

export function buildRequest(i: number, remainingMs: number): PlannedRequest {
  if (i % TRUTH_EVERY === TRUTH_EVERY - 1) {
    const hour = TRUTH_EPOCH + i * HOUR;
    const rawDst = (i % 2_001) - 1_000; // nT, within the accepted |Dst| <= 1000
    return {
      i,
      route: 'POST /ground-truth/geo',
      handler: 'groundTruthGeo',
      options: { json: { rows: [{ hour: new Date(hour).toISOString(), dst: rawDst }] }, token: ADMIN_TOKEN, remainingMs },
      write: { table: 'geo_truth', key: truthKey(hour), value: rawDst / 100 },
    };
  }
  const uid = i % MINERS;
  const hour = PREDICTION_EPOCH + Math.floor(i / MINERS) * HOUR;
  const value = i + 0.25; // unique per request, exact in float8
  return {
    i,
    route: 'POST /geo/predictions',
    handler: 'geoPredictions',
    options: { json: { hotkey: hotkeyFor(uid), queryTime: new Date(hour).toISOString(), value }, remainingMs },
    write: { table: 'geo_predictions', key: predictionKey(uid, hour), value },
  };
}

/** The metagraph every scenario's database starts with (PUT /miners). */
export function minersRequest(): { route: string; handler: HandlerName; options: RequestOptions } {
  const miners = Array.from({ length: MINERS }, (_, uid) => ({ uid, hotkey: hotkeyFor(uid) }));
  return { route: 'PUT /miners', handler: 'minersSync', options: { json: { miners }, token: ADMIN_TOKEN } };
}
