// Two soil steps running at once (an overlapping schedule, a manual run) share the work without doing any
// twice (SKIP LOCKED) and without one overwriting the other's score rows (locked rewrite from history).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoilStep } from '../../lib/tasks';
import { pgHarness, snapshot, type Harness } from '../validator/fixtures';
import { SEED_NOW, seedDay } from './seed';

let clean: Harness;
let shared: Harness;
beforeAll(async () => {
  [clean, shared] = await Promise.all([pgHarness('soil_conc_a'), pgHarness('soil_conc_b', { poolMax: 4 })]);
  await clean.session(seedDay);
  await shared.session(seedDay);
});
afterAll(async () => {
  await Promise.all([clean.close(), shared.close()]);
});

describe('concurrent soil steps', () => {
  it('together end where one clean run ends', async () => {
    // Prepare
    const reference = await clean.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 8 }));
    // Act: three runners on one database, small chunks so they interleave on the same target times
    const runs = await Promise.all([1, 2, 3].map(() => shared.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 8 }))));
    // Assess: every prediction handled exactly once across the runners, same tables as the clean run
    const total = (k: 'processed' | 'scored' | 'retried' | 'discarded') => runs.reduce((a, r) => a + r[k], 0);
    expect(total('processed')).toBe(reference.processed);
    expect(total('scored')).toBe(reference.scored);
    expect(total('retried')).toBe(reference.retried);
    expect(total('discarded')).toBe(reference.discarded);
    expect(runs.filter((r) => r.chunks > 0).length).toBeGreaterThan(1);
    expect(await shared.session(snapshot)).toEqual(await clean.session(snapshot));
  });
});
