// Exact accounting of a scenario's writes. Writes to one key are sent one after another (requests.ts), so each key's
// stored value is decided: the value of its last acknowledged (2xx) write, or of a later write answered 503/504 whose
// commit landed anyway (the answer was lost after COMMIT: in doubt, not an error); absent when nothing was
// acknowledged and nothing landed. A key stored twice, a row nobody asked for, or the value of a write refused
// with a 4xx is an error.
import type { Outcome } from './load';
import { predictionKey, truthKey } from './requests';

export type Accounting = {
  acknowledged: number;
  /** Keys whose last acknowledged write is absent, or present with a value no allowed write had. */
  lost: number;
  /** Keys stored more than once, and rows no request asked for. */
  duplicates: number;
  strays: number;
  refused: number;
  /** Keys holding the value of a write refused with a 4xx (refused before anything could commit). */
  refusedPresent: number;
  /** Keys holding the value of a write answered 503/504: committed, though the client was told it failed. */
  inDoubtPresent: number;
};

const isAck = (o: Outcome) => o.status >= 200 && o.status < 300;
const isServerSide = (o: Outcome) => o.status >= 500 || o.status === 0;

/** Reads the scenario's rows through `rows` and checks them against the outcomes. */
export async function account(outcomes: readonly Outcome[], rows: (text: string) => Promise<Record<string, unknown>[]>): Promise<Accounting> {
  const stored = new Map<string, number[]>();
  const keep = (key: string, value: number) => stored.set(key, [...(stored.get(key) ?? []), value]);
  for (const r of await rows('SELECT miner_uid, query_time, predicted_value FROM geo_predictions')) {
    keep(predictionKey(r.miner_uid as number, (r.query_time as Date).getTime()), r.predicted_value as number);
  }
  for (const r of await rows('SELECT hour, dst FROM geo_truth')) keep(truthKey((r.hour as Date).getTime()), r.dst as number);

  const byKey = new Map<string, Outcome[]>();
  for (const o of outcomes) byKey.set(o.write.key, [...(byKey.get(o.write.key) ?? []), o]);

  const a: Accounting = { acknowledged: 0, lost: 0, duplicates: 0, strays: 0, refused: 0, refusedPresent: 0, inDoubtPresent: 0 };
  for (const [key, sent] of byKey) {
    sent.sort((x, y) => x.i - y.i);
    a.acknowledged += sent.filter(isAck).length;
    a.refused += sent.filter((o) => !isAck(o)).length;
    const lastAck = sent.findLastIndex(isAck);
    const later = sent.slice(lastAck + 1); // all refused: in doubt if 5xx, never if 4xx
    const values = stored.get(key) ?? [];
    const value = values[0];
    if (value === undefined) {
      if (lastAck >= 0) a.lost++;
      continue;
    }
    const writer = [...sent].reverse().find((o) => o.write.value === value);
    if (writer && isAck(writer) && sent.indexOf(writer) === lastAck) continue;
    if (writer && later.includes(writer) && isServerSide(writer)) a.inDoubtPresent++;
    else if (writer && !isAck(writer) && !isServerSide(writer)) a.refusedPresent++;
    else a.lost++; // an older value, or one no request of this key sent
  }
  for (const [key, values] of stored) {
    if (values.length > 1) a.duplicates++;
    if (!byKey.has(key)) a.strays++;
  }
  return a;
}
