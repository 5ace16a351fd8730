// Exact accounting of a scenario's writes: every acknowledged (2xx) write present exactly once with its value, no
// write of a refused request present, no row nobody asked for.
import type { Outcome } from './load';
import { predictionKey, truthKey } from './requests';

export type Accounting = {
  acknowledged: number;
  /** Acknowledged writes absent, or present with another value. */
  lost: number;
  /** Keys stored more than once, and rows no request asked for. */
  duplicates: number;
  strays: number;
  refused: number;
  /** Writes of requests refused with a 4xx (refused before any write could commit): must be absent. */
  refusedPresent: number;
  /**
   * Writes of requests answered 503/504 that are present: the answer was lost after COMMIT had reached the server
   * (the connection died between the commit and its acknowledgement). Not an error of the layer; counted apart.
   */
  inDoubtPresent: number;
};

/** Reads the scenario's rows through `rows` and checks them against the outcomes. */
export async function account(outcomes: readonly Outcome[], rows: (text: string) => Promise<Record<string, unknown>[]>): Promise<Accounting> {
  const stored = new Map<string, number[]>();
  const keep = (key: string, value: number) => stored.set(key, [...(stored.get(key) ?? []), value]);
  for (const r of await rows('SELECT miner_uid, query_time, predicted_value FROM geo_predictions')) {
    keep(predictionKey(r.miner_uid as number, (r.query_time as Date).getTime()), r.predicted_value as number);
  }
  for (const r of await rows('SELECT hour, dst FROM geo_truth')) keep(truthKey((r.hour as Date).getTime()), r.dst as number);

  const a: Accounting = { acknowledged: 0, lost: 0, duplicates: 0, strays: 0, refused: 0, refusedPresent: 0, inDoubtPresent: 0 };
  const asked = new Set<string>();
  for (const o of outcomes) {
    asked.add(o.write.key);
    const values = stored.get(o.write.key) ?? [];
    if (o.status >= 200 && o.status < 300) {
      a.acknowledged++;
      if (values.length === 0 || !values.every((v) => v === o.write.value)) a.lost++;
    } else {
      a.refused++;
      if (values.length > 0) {
        if (o.status >= 400 && o.status < 500) a.refusedPresent++;
        else a.inDoubtPresent++;
      }
    }
  }
  for (const [key, values] of stored) {
    if (values.length > 1) a.duplicates++;
    if (!asked.has(key)) a.strays++;
  }
  return a;
}
