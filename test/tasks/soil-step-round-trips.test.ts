// Round trips: the step's own count matches what the session really sent, a chunk costs a fixed handful
// whatever its size, and the per-row comparison path (benchmarks) reaches the same end state with many more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoilStep } from '../../lib/tasks';
import { captureLogger } from '../support/logger';
import { pgHarness, snapshot, type Harness } from '../validator/fixtures';
import { SEED_NOW, seedDay } from './seed';

const batchedLog = captureLogger();
const perRowLog = captureLogger();
let batched: Harness;
let perRow: Harness;
beforeAll(async () => {
  [batched, perRow] = await Promise.all([pgHarness('rt_batched', { logger: batchedLog }), pgHarness('rt_per_row', { logger: perRowLog })]);
  await batched.session(seedDay);
  await perRow.session(seedDay);
});
afterAll(async () => {
  await Promise.all([batched.close(), perRow.close()]);
});

const lastQueries = (log: ReturnType<typeof captureLogger>) => log.find('session summary').at(-1)!.fields.queries;

/** The batched run, done once and shared by both tests (whichever runs first). */
let batchedRun: Promise<{ summary: Awaited<ReturnType<typeof runSoilStep>>; queries: unknown }> | undefined;
const runBatched = () =>
  (batchedRun ??= batched.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 64 })).then((summary) => ({ summary, queries: lastQueries(batchedLog) })));

describe('soil step round trips', () => {
  it('counts what the session sent: at most 9 per chunk, independent of the chunk size', async () => {
    // Act
    const { summary, queries } = await runBatched();
    // Assess: 320 predictions in 5 chunks of 64 and one empty look (BEGIN, SELECT, COMMIT)
    expect(summary.roundTrips).toBe(queries);
    expect(summary.chunks).toBe(5);
    expect(summary.roundTrips).toBeLessThanOrEqual(9 * summary.chunks + 3);
  });

  it('per-row comparison path: same end state, one statement per prediction', async () => {
    // Prepare
    await runBatched();
    // Act
    const summary = await perRow.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 64, perRow: true }));
    // Assess
    expect(summary.roundTrips).toBe(lastQueries(perRowLog));
    expect(summary.roundTrips).toBeGreaterThan(summary.processed + summary.scored);
    expect(await perRow.session(snapshot)).toEqual(await batched.session(snapshot));
  });
});
