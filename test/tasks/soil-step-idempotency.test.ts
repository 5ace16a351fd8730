// Killed anywhere and run again, the soil step ends exactly where one clean run ends: no duplicate and no
// lost score. The database is compared, table by table, with a twin that ran once without interruption.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLostError } from '../../lib/db';
import { runSoilStep } from '../../lib/tasks';
import { killBackends, pgHarness, pgliteHarness, snapshot, type Harness } from '../validator/fixtures';
import { SEED_NOW, seedDay } from './seed';

const CHUNK = 16; // 320 predictions -> 20 chunks

describe('soil step idempotency on PostgreSQL (connections terminated between and inside chunks)', () => {
  let clean: Harness;
  let killed: Harness;
  beforeAll(async () => {
    [clean, killed] = await Promise.all([pgHarness('soil_twin_a'), pgHarness('soil_twin_b')]);
    await clean.session(seedDay);
    await killed.session(seedDay);
  });
  afterAll(async () => {
    await Promise.all([clean.close(), killed.close()]);
  });

  it('ends in the same state as one clean run', async () => {
    // Prepare: the reference
    const reference = await clean.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: CHUNK }));
    const tdb = killed.tdb!;

    // Act 1: the server drops our connection inside chunk 3, just before COMMIT
    const inside = await killed
      .session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: CHUNK, hooks: { beforeCommit: async (c) => void (c === 3 && (await killBackends(tdb))) } }))
      .catch((e: unknown) => e);
    const afterInside = (await killed.session(snapshot)).soilHistory.length;
    // Act 2: the process dies right after chunk 4 of the next run committed (other chunk boundaries this time)
    const died = await killed
      .session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 23, hooks: { afterCommit: (c) => { if (c === 4) throw new Error('killed'); } } }))
      .catch((e: unknown) => e);
    const afterDied = (await killed.session(snapshot)).soilHistory.length;
    // Act 3: connections dropped between chunks 2 and 3 of the next run: the step reconnects and finishes
    const resumed = await killed.session((s) =>
      runSoilStep(s, { now: SEED_NOW, chunkSize: 9, hooks: { afterCommit: async (c) => void (c === 2 && (await killBackends(tdb))) } }),
    );

    // Assess
    expect(inside).toBeInstanceOf(ConnectionLostError);
    expect((died as Error).message).toBe('killed');
    // Each interruption left a partial state: two chunks of 16, then four more of 23 (a few rows are not history)
    expect(afterInside).toBeGreaterThan(0);
    expect(afterInside).toBeLessThanOrEqual(2 * CHUNK);
    expect(afterDied).toBeGreaterThan(afterInside);
    expect(afterDied).toBeLessThan(228);
    expect(resumed.stoppedBy).toBe('done');
    expect(reference).toMatchObject({ processed: 320, scored: 228, discarded: 12, retried: 80, gaveUp: 0 });
    const [a, b] = [await clean.session(snapshot), await killed.session(snapshot)];
    expect(b.soilHistory).toHaveLength(228);
    expect(b.scoreRows).toHaveLength(3);
    expect(b).toEqual(a);
  });
});

describe('soil step idempotency on PGlite (process killed inside and between chunks)', () => {
  let clean: Harness;
  let killed: Harness;
  beforeAll(async () => {
    clean = await pgliteHarness();
    killed = await pgliteHarness();
    await clean.session(seedDay);
    await killed.session(seedDay);
  });
  afterAll(async () => {
    await clean.close();
    await killed.close();
  });

  it('ends in the same state as one clean run', async () => {
    // Prepare
    await clean.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: CHUNK }));
    // Act: dies before COMMIT of chunk 5 (rolled back), then after chunk 2 of the next run, then runs clean
    const kill = (at: number) => (c: number) => {
      if (c === at) throw new Error('killed');
    };
    await killed.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: CHUNK, hooks: { beforeCommit: kill(5) } })).catch(() => undefined);
    const partial = (await killed.session(snapshot)).soilHistory.length;
    await killed.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 23, hooks: { afterCommit: kill(2) } })).catch(() => undefined);
    const last = await killed.session((s) => runSoilStep(s, { now: SEED_NOW, chunkSize: 9 }));
    // Assess
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(4 * CHUNK);
    expect(last.stoppedBy).toBe('done');
    expect(await killed.session(snapshot)).toEqual(await clean.session(snapshot));
  });
});
