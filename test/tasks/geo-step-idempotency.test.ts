// Killed anywhere and run again, the geo step ends exactly where one clean run ends (compared with a twin).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLostError } from '../../lib/db';
import { runGeoStep } from '../../lib/tasks';
import { killBackends, pgHarness, snapshot, type Harness } from '../validator/fixtures';
import { SEED_NOW, seedDay } from './seed';

describe('geo step idempotency on PostgreSQL', () => {
  let clean: Harness;
  let killed: Harness;
  beforeAll(async () => {
    [clean, killed] = await Promise.all([pgHarness('geo_twin_a'), pgHarness('geo_twin_b')]);
    await clean.session(seedDay);
    await killed.session(seedDay);
  });
  afterAll(async () => {
    await Promise.all([clean.close(), killed.close()]);
  });

  it('ends in the same state as one clean run after terminated connections and a killed process', async () => {
    // Prepare
    const reference = await clean.session((s) => runGeoStep(s, { now: SEED_NOW, chunkSize: 30 }));
    const tdb = killed.tdb!;
    // Act 1: connection terminated inside chunk 2, before COMMIT
    const inside = await killed
      .session((s) => runGeoStep(s, { now: SEED_NOW, chunkSize: 30, hooks: { beforeCommit: async (c) => void (c === 2 && (await killBackends(tdb))) } }))
      .catch((e: unknown) => e);
    const afterInside = (await killed.session(snapshot)).geoHistory.length;
    // Act 2: process killed after chunk 3 committed, with other chunk boundaries
    await killed
      .session((s) => runGeoStep(s, { now: SEED_NOW, chunkSize: 17, hooks: { afterCommit: (c) => { if (c === 3) throw new Error('killed'); } } }))
      .catch(() => undefined);
    // Act 3: a clean finish
    const last = await killed.session((s) => runGeoStep(s, { now: SEED_NOW, chunkSize: 50 }));
    // Assess: 6 hours with truth x 40 miners scored, 2 hours x 40 waiting
    expect(inside).toBeInstanceOf(ConnectionLostError);
    expect(afterInside).toBe(30);
    expect(reference).toMatchObject({ processed: 320, scored: 240, retried: 80 });
    expect(last.stoppedBy).toBe('done');
    const [a, b] = [await clean.session(snapshot), await killed.session(snapshot)];
    expect(b.geoHistory).toHaveLength(240);
    expect(b.scoreRows).toHaveLength(6);
    expect(b).toEqual(a);
  });
});
