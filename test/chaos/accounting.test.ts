// The chaos suite's accounting finds what it must: an acknowledged write missing or replaced by an older value, a key
// stored twice, a row nobody asked for, a refused write present; and counts a 5xx whose write landed as in doubt.
import { describe, expect, it } from 'vitest';
import { account } from './support/accounting';
import type { Outcome } from './support/load';
import { buildRequest, predictionKey, truthKey } from './support/requests';
import { summarizeOutcomes } from './support/outcomes';

const HOUR = Date.UTC(2030, 0, 1, 5);
const TRUTH_HOUR = Date.UTC(2010, 0, 1, 3);

/** Request i writing `value` to miner `uid`'s prediction for HOUR, answered `status`. */
const prediction = (i: number, uid: number, value: number, status: number, code?: string, ms = 10): Outcome => ({
  i,
  write: { table: 'geo_predictions', key: predictionKey(uid, HOUR), value },
  status,
  code,
  startedAt: 0,
  endedAt: ms,
  limitMs: 3_000,
});
const truth = (i: number, dst: number, status: number): Outcome => ({
  i,
  write: { table: 'geo_truth', key: truthKey(TRUTH_HOUR + i * 3_600_000), value: dst },
  status,
  code: undefined,
  startedAt: 0,
  endedAt: 10,
  limitMs: 3_000,
});

type Stored = { predictions: [uid: number, value: number][]; truth: [i: number, dst: number][] };
const rows = (s: Stored) => async (text: string) =>
  text.includes('geo_truth')
    ? s.truth.map(([i, dst]) => ({ hour: new Date(TRUTH_HOUR + i * 3_600_000), dst }))
    : s.predictions.map(([uid, value]) => ({ miner_uid: uid, query_time: new Date(HOUR), predicted_value: value }));

describe('chaos accounting', () => {
  it('accepts the last acknowledged value of each key, replacements included', async () => {
    // Prepare: miner 1 written three times (the last refused with a 503 that did not land), a truth write
    const outcomes = [prediction(0, 1, 0.25, 201), prediction(2, 1, 2.25, 200), prediction(4, 1, 4.25, 503, 'UNAVAILABLE'), truth(3, -0.5, 200)];

    // Act
    const a = await account(outcomes, rows({ predictions: [[1, 2.25]], truth: [[3, -0.5]] }));

    // Assess
    expect(a).toEqual({ acknowledged: 3, lost: 0, duplicates: 0, strays: 0, refused: 1, refusedPresent: 0, inDoubtPresent: 0 });
  });

  it('counts a later 5xx whose write landed as in doubt, not as lost', async () => {
    const outcomes = [prediction(0, 1, 0.25, 201), prediction(2, 1, 2.25, 504, 'TIMEOUT')];
    const a = await account(outcomes, rows({ predictions: [[1, 2.25]], truth: [] }));
    expect(a).toMatchObject({ lost: 0, inDoubtPresent: 1 });
  });

  it('counts a missing write, an older value, a duplicate and a stray', async () => {
    const outcomes = [prediction(0, 1, 0.25, 201), prediction(1, 2, 1.25, 201), prediction(5, 2, 5.25, 201), prediction(3, 3, 3.25, 201)];
    const a = await account(
      outcomes,
      rows({
        predictions: [
          [2, 1.25], // miner 2 holds its older value: the last acknowledgement was lost
          [3, 3.25],
          [3, 3.25], // stored twice
        ],
        truth: [[99, 0]], // nobody asked for it
      }),
    ); // miner 1's write is missing
    expect(a).toMatchObject({ acknowledged: 4, lost: 2, duplicates: 1, strays: 1 });
  });

  it('tells a 4xx-refused write present (an error) from a 5xx one present', async () => {
    const outcomes = [prediction(0, 1, 0.25, 422, 'VALIDATION_FAILED'), prediction(1, 2, 1.25, 504, 'TIMEOUT')];
    const a = await account(outcomes, rows({ predictions: [[1, 0.25], [2, 1.25]], truth: [] }));
    expect(a).toMatchObject({ refused: 2, refusedPresent: 1, inDoubtPresent: 1 });
  });
});

describe('chaos requests', () => {
  it('gives each submitter miners of its own, and turns a submission near the end of its window into a truth write', () => {
    // Prepare: 24 submitters, well inside an hour's window, then 5 s before it closes
    const inside = new Date(Date.UTC(2030, 0, 1, 4, 30));
    const late = new Date(Date.UTC(2030, 0, 1, 4, 59, 55));
    const owners = new Map<string, number>();

    // Act
    for (let k = 0; k < 24; k++) {
      for (let seq = 0; seq < 30; seq++) {
        const w = buildRequest({ i: k * 1_000 + seq * 4, submitter: k, submitters: 24, seq }, inside).write;
        expect(w.table).toBe('geo_predictions');
        expect(owners.get(w.key) ?? k).toBe(k);
        owners.set(w.key, k);
      }
    }
    const nearTheEnd = buildRequest({ i: 0, submitter: 0, submitters: 24, seq: 0 }, late).write;

    // Assess
    expect(new Set(owners.keys()).size).toBeGreaterThan(24 * 5);
    expect(nearTheEnd.table).toBe('geo_truth');
  });
});

describe('chaos answers', () => {
  it('counts untyped 5xx, unexpected 4xx and answers past their deadline', () => {
    const s = summarizeOutcomes([
      prediction(0, 1, 0, 201),
      prediction(1, 1, 1, 503, 'UNAVAILABLE'),
      prediction(2, 1, 2, 504, 'TIMEOUT'),
      prediction(3, 1, 3, 500, 'INTERNAL'),
      prediction(4, 1, 4, 503, undefined),
      prediction(5, 1, 5, 0, 'HANDLER_THREW'),
      prediction(6, 1, 6, 409, 'CONFLICT'),
      prediction(7, 1, 7, 504, 'TIMEOUT', 3_500),
    ]);
    expect(s).toMatchObject({ requests: 8, untyped5xx: 3, unexpected4xx: 1, pastDeadline: 1, overDeadline: 1 });
  });
});
