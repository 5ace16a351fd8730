// The chaos suite's accounting finds what it must: an acknowledged write missing or holding another value, a key
// stored twice, a row nobody asked for, a refused write present; and counts a 5xx whose write landed as in doubt.
import { describe, expect, it } from 'vitest';
import { account } from './support/accounting';
import type { Outcome } from './support/load';
import { buildRequest } from './support/requests';
import { summarizeOutcomes } from './support/outcomes';

const outcome = (i: number, status: number, code?: string, ms = 10): Outcome => ({
  i,
  write: buildRequest(i, 3_000).write,
  status,
  code,
  startedAt: 0,
  endedAt: ms,
  limitMs: 3_000,
});

/** The rows the requests would have stored, as the database returns them. */
function rowsFor(outcomes: Outcome[], tweak: (rows: { predictions: Record<string, unknown>[]; truth: Record<string, unknown>[] }) => void = () => undefined) {
  const predictions: Record<string, unknown>[] = [];
  const truth: Record<string, unknown>[] = [];
  for (const o of outcomes) {
    const req = buildRequest(o.i, 3_000);
    const body = req.options.json as { hotkey?: string; queryTime?: string; value?: number; rows?: { hour: string; dst: number }[] };
    if (req.write.table === 'geo_truth') truth.push({ hour: new Date(body.rows![0]!.hour), dst: body.rows![0]!.dst / 100 });
    else predictions.push({ miner_uid: o.i % 256, query_time: new Date(body.queryTime!), predicted_value: body.value });
  }
  const all = { predictions, truth };
  tweak(all);
  return async (text: string) => (text.includes('geo_truth') ? all.truth : all.predictions);
}

describe('chaos accounting', () => {
  it('finds nothing wrong when every acknowledged write is stored once and no refused one is', async () => {
    // Prepare: requests 0..7 (3 and 7 are ground truth), 5 refused with a 503 and not stored
    const outcomes = [0, 1, 2, 3, 4, 6, 7].map((i) => outcome(i, 201)).concat(outcome(5, 503, 'UNAVAILABLE'));
    const stored = rowsFor(outcomes.filter((o) => o.status === 201));

    // Act
    const a = await account(outcomes, stored);

    // Assess
    expect(a).toEqual({ acknowledged: 7, lost: 0, duplicates: 0, strays: 0, refused: 1, refusedPresent: 0, inDoubtPresent: 0 });
  });

  it('counts a missing write, a wrong value, a duplicate and a stray', async () => {
    const outcomes = [0, 1, 2, 3].map((i) => outcome(i, 201));
    const stored = rowsFor(outcomes, (rows) => {
      rows.predictions.shift(); // request 0's write is gone
      rows.predictions[0]!.predicted_value = 99; // request 1's holds another value
      rows.predictions.push({ ...rows.predictions[1]! }); // request 2's is stored twice
      rows.truth.push({ hour: new Date(Date.UTC(2011, 0, 1)), dst: 0 }); // nobody asked for this one
    });

    const a = await account(outcomes, stored);

    expect(a).toMatchObject({ acknowledged: 4, lost: 2, duplicates: 1, strays: 1 });
  });

  it('tells a 4xx-refused write present (an error) from a 5xx one present (an answer lost after commit)', async () => {
    const outcomes = [outcome(0, 422, 'VALIDATION_FAILED'), outcome(1, 504, 'TIMEOUT')];
    const a = await account(outcomes, rowsFor(outcomes));
    expect(a).toMatchObject({ refused: 2, refusedPresent: 1, inDoubtPresent: 1 });
  });
});

describe('chaos answers', () => {
  it('counts untyped 5xx, unexpected 4xx and answers past their deadline', () => {
    const s = summarizeOutcomes([
      outcome(0, 201),
      outcome(1, 503, 'UNAVAILABLE'),
      outcome(2, 504, 'TIMEOUT'),
      outcome(3, 500, 'INTERNAL'),
      outcome(4, 503, undefined),
      outcome(5, 0, 'HANDLER_THREW'),
      outcome(6, 409, 'CONFLICT'),
      outcome(7, 504, 'TIMEOUT', 3_500),
    ]);
    expect(s).toMatchObject({ requests: 8, untyped5xx: 3, unexpected4xx: 1, pastDeadline: 1, overDeadline: 1 });
  });
});
