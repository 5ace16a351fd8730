// Score rows and weight vectors: one-statement upserts, NaN kept, listing filters, latest vector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, latestWeights, listScores, storeWeights, upsertScoreRows, type ScoreRowInput } from '../../lib/validator';
import { captureLogger } from '../support/logger';
import { counts, DAY, HOUR, pgHarness, type Harness } from './fixtures';

const T = new Date('2025-06-01T00:00:00Z');
const vector = (f: (uid: number) => number) => Array.from({ length: 256 }, (_, uid) => f(uid));
const log = captureLogger();
let h: Harness;
beforeAll(async () => {
  h = await pgHarness('scores', { logger: log });
});
afterAll(async () => {
  await h.close();
});

describe('upsertScoreRows', () => {
  it('writes many rows in one statement and keeps NaN', async () => {
    // Prepare: a day of geo hours and four soil times
    const rows: ScoreRowInput[] = [
      ...Array.from({ length: 24 }, (_, i) => ({ taskName: 'geomagnetic' as const, taskTime: new Date(T.getTime() + i * HOUR), score: vector((u) => (u % 2 ? Number.NaN : i / 100)), createdAt: T })),
      ...Array.from({ length: 4 }, (_, i) => ({ taskName: 'soil_moisture' as const, taskTime: new Date(T.getTime() + (6 * i + 1.5) * HOUR), score: vector(() => 0.5), createdAt: T })),
    ];
    // Act
    const written = await h.session((s) => s.transaction((tx) => upsertScoreRows(tx, rows)));
    const summary = log.find('session summary').at(-1)!.fields;
    // Assess: BEGIN, one INSERT, COMMIT
    expect(written).toBe(28);
    expect(summary.queries).toBe(3);
    const geo = await h.session((s) => listScores(s, { task: 'geomagnetic', limit: 100 }));
    expect(geo).toHaveLength(24);
    expect(geo[0]!.taskTime).toEqual(new Date(T.getTime() + 23 * HOUR));
    expect(geo[0]!.taskId).toBe(T.getTime() / 1000 + 23 * 3600);
    expect(geo[0]!.score[0]).toBe(0.23);
    expect(Number.isNaN(geo[0]!.score[1])).toBe(true);
  });

  it('replaces the score of an existing (task, time) and keeps its created_at', async () => {
    // Prepare
    const taskTime = new Date(T.getTime() + 30 * DAY);
    await h.session((s) => s.transaction((tx) => upsertScoreRows(tx, [{ taskName: 'geomagnetic', taskTime, score: vector(() => 0.1), createdAt: T }])));
    // Act
    await h.session((s) => s.transaction((tx) => upsertScoreRows(tx, [{ taskName: 'geomagnetic', taskTime, score: vector(() => 0.9), createdAt: new Date(T.getTime() + DAY) }])));
    // Assess
    const [row] = await h.session((s) => listScores(s, { task: 'geomagnetic', since: taskTime, limit: 5 }));
    expect(row!.score.every((v) => v === 0.9)).toBe(true);
    expect(row!.createdAt).toEqual(T);
  });

  it.each([
    ['a vector of 255', { taskName: 'geomagnetic' as const, taskTime: T, score: vector(() => 0).slice(1) }],
    ['an unknown task', { taskName: 'weather' as never, taskTime: T, score: vector(() => 0) }],
    ['a fractional second', { taskName: 'geomagnetic' as const, taskTime: new Date(T.getTime() + 1), score: vector(() => 0) }],
  ])('refuses %s with BadInputError and writes nothing', async (_name, bad) => {
    const before = await h.session(counts);
    const err = await h.session((s) => s.transaction((tx) => upsertScoreRows(tx, [bad]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect(await h.session(counts)).toEqual(before);
  });
});

describe('listScores', () => {
  it('filters by task and since, newest first, up to the limit; refuses a bad limit', async () => {
    // Act
    const soil = await h.session((s) => listScores(s, { task: 'soil_moisture', limit: 2 }));
    const sinceNoon = await h.session((s) => listScores(s, { since: new Date(T.getTime() + 12 * HOUR), limit: 200 }));
    const bad = await h.session((s) => listScores(s, { limit: 0 })).catch((e: unknown) => e);
    // Assess
    expect(soil.map((r) => r.taskTime.toISOString())).toEqual(['2025-06-01T19:30:00.000Z', '2025-06-01T13:30:00.000Z']);
    expect(sinceNoon.every((r) => r.taskTime.getTime() >= T.getTime() + 12 * HOUR)).toBe(true);
    expect(sinceNoon.filter((r) => r.taskName === 'geomagnetic' && r.taskTime < new Date(T.getTime() + DAY))).toHaveLength(12);
    expect(bad).toBeInstanceOf(BadInputError);
  });

  it('pages through every row exactly once with `before`, in the listing order', async () => {
    // Prepare
    const all = await h.session((s) => listScores(s, { limit: 200 }));
    // Act: pages of 7, each starting after the last row of the previous one
    const paged: typeof all = [];
    for (let page = await h.session((s) => listScores(s, { limit: 7 })); page.length > 0; ) {
      paged.push(...page);
      const last = page.at(-1)!;
      page = await h.session((s) => listScores(s, { limit: 7, before: { taskTime: last.taskTime, id: last.id } }));
    }
    // Assess
    expect(all.length).toBeGreaterThan(7);
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
  });
});

describe('weights', () => {
  it('stores vectors, serves the latest, and replaces a vector stored again at the same time', async () => {
    // Prepare
    const w = (computedAt: Date, top: number) => ({
      computedAt,
      windowStart: new Date(computedAt.getTime() - 3 * DAY),
      windowEnd: computedAt,
      weights: vector((u) => (u === top ? 1 : 0)),
      inputs: { geoRows: 1, soilRows: 2, lookbackDays: 3 },
    });
    // Act
    await h.session((s) => s.transaction((tx) => storeWeights(tx, w(T, 1))));
    const stored = await h.session((s) => s.transaction((tx) => storeWeights(tx, w(new Date(T.getTime() + HOUR), 2))));
    const again = await h.session((s) => s.transaction((tx) => storeWeights(tx, w(new Date(T.getTime() + HOUR), 3))));
    const latest = await h.session((s) => latestWeights(s));
    // Assess
    expect(again.id).toBe(stored.id);
    expect(latest).toMatchObject({ id: stored.id, computedAt: new Date(T.getTime() + HOUR), inputs: { geoRows: 1, soilRows: 2, lookbackDays: 3 } });
    expect(latest!.weights[3]).toBe(1);
    expect((await h.session(counts)).weights).toBe(2);
  });

  it('refuses a vector of the wrong length or with a negative weight', async () => {
    const base = { computedAt: T, windowStart: T, windowEnd: T, inputs: { geoRows: 0, soilRows: 0, lookbackDays: 3 } };
    const short = await h.session((s) => s.transaction((tx) => storeWeights(tx, { ...base, weights: [1] }))).catch((e: unknown) => e);
    const negative = await h.session((s) => s.transaction((tx) => storeWeights(tx, { ...base, weights: vector((u) => (u ? 0 : -1)) }))).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(BadInputError);
    expect(negative).toBeInstanceOf(BadInputError);
  });
});
