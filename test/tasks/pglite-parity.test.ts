// The embedded database (local runs) behaves as PostgreSQL does: the same day of work through every
// repository and step ends in identical tables, and refusals are typed the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCleanupStep, runGeoStep, runSoilStep, runWeightsStep } from '../../lib/tasks';
import { BadInputError, NotFoundError, submitSoilPrediction, UnregisteredMinerError, type AnySession } from '../../lib/validator';
import { counts, pgHarness, pgliteHarness, soilPrediction, snapshot, type Harness } from '../validator/fixtures';
import { SEED_NOW, seedDay } from './seed';

let pg: Harness;
let lite: Harness;
beforeAll(async () => {
  // One after the other: PGlite's start keeps the event loop busy long enough to trip the server's
  // idle-in-transaction timeout of a migration running beside it.
  pg = await pgHarness('parity');
  lite = await pgliteHarness();
  await pg.session(seedDay);
  await lite.session(seedDay);
});
afterAll(async () => {
  await pg?.close();
  await lite?.close();
});

async function dayOfWork(s: AnySession) {
  return {
    soil: await runSoilStep(s, { now: SEED_NOW, chunkSize: 50 }),
    geo: await runGeoStep(s, { now: SEED_NOW, chunkSize: 50 }),
    weights: await runWeightsStep(s, { now: SEED_NOW }),
    cleanup: await runCleanupStep(s, { now: SEED_NOW }),
  };
}

describe('PGlite and PostgreSQL', () => {
  it('end a day of work in identical tables with identical summaries', async () => {
    // Act
    const onPg = await pg.session(dayOfWork);
    const onLite = await lite.session(dayOfWork);
    // Assess
    const { weightsId: _a, ...pgWeights } = onPg.weights;
    const { weightsId: _b, ...liteWeights } = onLite.weights;
    expect({ ...onLite, weights: liteWeights }).toEqual({ ...onPg, weights: pgWeights });
    expect(onLite.soil.scored).toBe(228);
    expect(onLite.geo.scored).toBe(240);
    expect(await lite.session(snapshot)).toEqual(await pg.session(snapshot));
  });

  it('refuse the same bad submissions with the same typed errors, writing nothing', async () => {
    for (const h of [pg, lite]) {
      // Prepare
      const before = await h.session(counts);
      const region = { id: 7 }; // a 19:30 region of the seed: no truth yet, still open
      // Act
      const unknown = await h.session((s) => submitSoilPrediction(s, soilPrediction({ id: 99_999 }, 1, 0.2))).catch((e: unknown) => e);
      const stranger = await h.session((s) => submitSoilPrediction(s, { ...soilPrediction(region, 1, 0.2), hotkey: 'nobody' })).catch((e: unknown) => e);
      const shape = await h.session((s) => submitSoilPrediction(s, { ...soilPrediction(region, 1, 0.2), surfaceSm: [[1]] })).catch((e: unknown) => e);
      // Assess
      expect(unknown).toBeInstanceOf(NotFoundError);
      expect(stranger).toBeInstanceOf(UnregisteredMinerError);
      expect(shape).toBeInstanceOf(BadInputError);
      expect(await h.session(counts)).toEqual(before);
    }
  });
});
