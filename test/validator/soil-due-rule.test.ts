// The soil step's due selection (SQL, for the indexes) agrees with the math's isDue, plus the one deliberate
// difference: a retry whose time has come is taken even at the retry limit, so nextRetry can give it up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDue, SOIL_POLICY } from '../../lib/tasks/soil/math';
import { selectDueSoilWork, submitSoilPredictions } from '../../lib/validator';
import { DAY, HOUR, pgHarness, range, seedMiners, seedRegions, soilPrediction, type Harness } from './fixtures';

const NOW = new Date('2025-04-10T12:00:00Z');
type State = { uid: number; status: string; retryCount: number; nextRetryTime: Date | null; age: number };
const states: State[] = [
  { uid: 0, status: 'sent_to_miner', retryCount: 0, nextRetryTime: null, age: 4 * DAY }, // first attempt, due
  { uid: 1, status: 'sent_to_miner', retryCount: 0, nextRetryTime: null, age: 3 * DAY }, // exactly the delay: due
  { uid: 2, status: 'sent_to_miner', retryCount: 0, nextRetryTime: null, age: 2 * DAY }, // too early
  { uid: 3, status: 'retry_scheduled', retryCount: 3, nextRetryTime: new Date(NOW.getTime() - HOUR), age: 4 * DAY }, // retry due
  { uid: 4, status: 'retry_scheduled', retryCount: 3, nextRetryTime: new Date(NOW.getTime() + HOUR), age: 4 * DAY }, // retry later
  { uid: 5, status: 'retry_scheduled', retryCount: 10, nextRetryTime: new Date(NOW.getTime() - HOUR), age: 4 * DAY }, // exhausted
  { uid: 6, status: 'scored', retryCount: 0, nextRetryTime: null, age: 4 * DAY }, // never due
  { uid: 7, status: 'scored', retryCount: 1, nextRetryTime: new Date(NOW.getTime() - HOUR), age: 4 * DAY }, // never due
  { uid: 8, status: 'sent_to_miner', retryCount: 1, nextRetryTime: new Date(NOW.getTime() - HOUR), age: 2 * DAY }, // retry branch
];

let h: Harness;
beforeAll(async () => {
  h = await pgHarness('due_rule');
  await h.session((s) => seedMiners(s, range(9)));
  for (const st of states) {
    const [region] = await h.session((s) => seedRegions(s, [new Date(NOW.getTime() - st.age)], 1));
    await h.session((s) => submitSoilPredictions(s, [soilPrediction(region!, st.uid, 0.2)]));
    await h.session((s) =>
      s.transaction((tx) => tx.query('UPDATE soil_predictions SET status = $2, retry_count = $3, next_retry_time = $4 WHERE miner_uid = $1', [st.uid, st.status, st.retryCount, st.nextRetryTime])),
    );
  }
});
afterAll(async () => {
  await h.close();
});

describe('due selection', () => {
  it('selects what isDue says, plus retries at the limit whose time has come', async () => {
    // Act
    const { due } = await h.session((s) =>
      s.transaction((tx) => selectDueSoilWork(tx, { firstDueBefore: new Date(NOW.getTime() - SOIL_POLICY.scoringDelayMs), now: NOW, limit: 100 })),
    );
    // Assess
    const expected = states
      .filter((st) => {
        const pred = { status: st.status, targetTime: new Date(NOW.getTime() - st.age), retryCount: st.retryCount, nextRetryTime: st.nextRetryTime };
        const exhaustedRetryDue = st.status !== 'scored' && st.nextRetryTime !== null && st.nextRetryTime <= NOW && st.retryCount >= SOIL_POLICY.maxRetries;
        return isDue(pred, NOW) || exhaustedRetryDue;
      })
      .map((st) => st.uid);
    expect(due.map((p) => p.minerUid).sort((a, b) => a - b)).toEqual(expected);
    expect(expected).toEqual([0, 1, 3, 5, 8]);
  });
});
