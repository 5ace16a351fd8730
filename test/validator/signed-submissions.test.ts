// Signed submissions (lib/validator/{geo,soil}-submission.ts) on every driver of the matrix: one statement that
// checks the signer's slot, the window and the closed state, records the uuid and writes the prediction. A refused
// submission writes nothing (no prediction, no nonce); a replayed uuid is refused whichever connection it reaches.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/db';
import {
  BadInputError,
  NotFoundError,
  ReplayError,
  SubmissionsClosedError,
  SubmissionWindowError,
  UnregisteredSignerError,
  keyHex,
  submitSignedGeoPrediction,
  submitSignedSoilPrediction,
  type SignedSubmission,
} from '../../lib/validator';
import { devMiner } from '../../dev/miner/keys';
import { supports, targets, useTarget, type TargetHandle } from '../support/drivers';
import { BOUNDS, CRS, filled, HOUR, MIGRATIONS } from './fixtures';

const HOUR_H = new Date('2030-01-01T12:00:00Z');
/** Half an hour before HOUR_H: inside its window. */
const INSIDE = new Date(HOUR_H.getTime() - HOUR / 2);
const miner = devMiner(1);
const stranger = devMiner(99);

/** drizzle-kit's migrations applied statement by statement through the target's outside way in (any driver). */
async function migrateVia(h: TargetHandle, db: Database): Promise<void> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  for (const { tag } of journal.entries) {
    for (const statement of readFileSync(join(MIGRATIONS, `${tag}.sql`), 'utf8').split('--> statement-breakpoint')) {
      if (statement.trim()) await h.sql(db, statement);
    }
  }
}

const signed = (receivedAt = INSIDE, signer = miner, nonce = randomUUID()): SignedSubmission => ({
  signerKey: signer.publicKey,
  nonce,
  signedAt: receivedAt,
  receivedAt,
});

const soil = (regionId: number, s: SignedSubmission, v = 0.25) => ({
  ...s,
  regionId,
  surfaceSm: filled(v),
  rootzoneSm: filled(v + 0.1),
  sentinelBounds: BOUNDS,
  sentinelCrs: CRS,
});

describe.each(targets)('signed submissions ($name)', (target) => {
  const h = useTarget(target);
  let db: Database;
  let region: number;
  let closedRegion: number;
  const sql = <R = Record<string, unknown>>(text: string, params?: unknown[]) => h().sql<R>(db, text, params);
  const written = async () =>
    (await sql<{ g: number; s: number; n: number }>('SELECT (SELECT count(*)::int FROM geo_predictions) AS g, (SELECT count(*)::int FROM soil_predictions) AS s, (SELECT count(*)::int FROM request_nonces) AS n'))[0]!;
  const session = <T>(fn: Parameters<Database['session']>[0]) => db.session(fn) as Promise<T>;

  // A migrated database with one registered miner and two regions (one open, one closed by its closes_at).
  beforeAll(async () => {
    db = h().createDb({});
    await migrateVia(h(), db);
    await sql(`INSERT INTO miners (uid, hotkey, public_key) VALUES (1, $1, decode($2, 'hex'))`, [miner.address, keyHex(miner.publicKey)]);
    const regions = await sql<{ id: unknown }>(
      `INSERT INTO soil_regions (region_date, target_time, closes_at, bbox, sentinel_bounds, sentinel_crs)
       VALUES ('2030-01-02', '2030-01-02T13:30:00Z', '2030-01-02T12:00:00Z', '[0,0,1,1]', $1::float8[], $2),
              ('2030-01-02', '2030-01-02T13:30:00Z', '2030-01-01T00:00:00Z', '[0,0,1,1]', $1::float8[], $2)
       RETURNING id`,
      [BOUNDS, CRS],
    );
    [region, closedRegion] = regions.map((r) => Number(r.id)) as [number, number];
  });

  it('stores a geo prediction with its receive time and uuid; a re-submission replaces it', async () => {
    // Act
    const first = await session<{ id: number; replaced: boolean }>((s) => submitSignedGeoPrediction(s, { ...signed(), queryTime: HOUR_H, value: -0.5 }));
    const later = new Date(INSIDE.getTime() + 60_000);
    const second = await session<{ id: number; replaced: boolean }>((s) => submitSignedGeoPrediction(s, { ...signed(later), queryTime: HOUR_H, value: -0.75 }));
    // Assess
    expect(first.replaced).toBe(false);
    expect(second).toEqual({ id: first.id, replaced: true });
    const rows = await sql<{ miner_uid: number; miner_hotkey: string; predicted_value: number; received_at: Date }>(
      'SELECT miner_uid, miner_hotkey, predicted_value, received_at FROM geo_predictions',
    );
    expect(rows.map((r) => ({ ...r, received_at: new Date(r.received_at).toISOString() }))).toEqual([
      { miner_uid: 1, miner_hotkey: miner.address, predicted_value: -0.75, received_at: later.toISOString() },
    ]);
    expect((await written()).n).toBe(2);
  });

  it('refuses, writing nothing: a replayed uuid, an unregistered signer, a closed hour, outside the window', async () => {
    // Prepare
    const nonce = randomUUID();
    await session((s) => submitSignedGeoPrediction(s, { ...signed(INSIDE, miner, nonce), queryTime: HOUR_H, value: 1 }));
    await sql(`INSERT INTO geo_truth (hour, dst) VALUES ('2030-01-01T11:00:00Z', 0.1)`);
    const before = await written();
    const geo = (s: SignedSubmission, queryTime = HOUR_H) => session((x) => submitSignedGeoPrediction(x, { ...s, queryTime, value: 2 })).catch((e: unknown) => e);
    // Act
    const replay = await geo(signed(INSIDE, miner, nonce));
    const unregistered = await geo(signed(INSIDE, stranger));
    const closed = await geo(signed(new Date('2030-01-01T10:30:00Z')), new Date('2030-01-01T11:00:00Z'));
    const late = await geo(signed(HOUR_H));
    const early = await geo(signed(new Date(HOUR_H.getTime() - HOUR - 1)));
    // Assess
    expect(replay).toBeInstanceOf(ReplayError);
    expect(unregistered).toBeInstanceOf(UnregisteredSignerError);
    expect(closed).toBeInstanceOf(SubmissionsClosedError);
    expect(late).toBeInstanceOf(SubmissionWindowError);
    expect(early).toBeInstanceOf(SubmissionWindowError);
    expect(await written()).toEqual(before);
    expect((await sql<{ v: number }>('SELECT predicted_value AS v FROM geo_predictions'))[0]!.v).toBe(1);
  });

  it('stores a soil prediction until the region closes; refuses a closed region, a wrong echo, an unknown region, a replay', async () => {
    // Prepare
    const nonce = randomUUID();
    const put = (s: SignedSubmission, regionId = region, patch: Record<string, unknown> = {}) =>
      session<{ id: number; replaced: boolean }>((x) => submitSignedSoilPrediction(x, { ...soil(regionId, s), ...patch })).catch((e: unknown) => e);
    // Act
    const stored = await put(signed(INSIDE, miner, nonce));
    const before = await written();
    const replay = await put(signed(INSIDE, miner, nonce));
    const closed = await put(signed(), closedRegion);
    const atClose = await put(signed(new Date('2030-01-02T12:00:00Z')));
    const echo = await put(signed(), region, { sentinelCrs: CRS + 1 });
    const unknown = await put(signed(), 999_999);
    const unregistered = await put(signed(INSIDE, stranger));
    // Assess
    expect(stored).toMatchObject({ replaced: false });
    expect(replay).toBeInstanceOf(ReplayError);
    expect(closed).toBeInstanceOf(SubmissionWindowError);
    expect(atClose).toBeInstanceOf(SubmissionWindowError);
    expect(echo).toBeInstanceOf(BadInputError);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unregistered).toBeInstanceOf(UnregisteredSignerError);
    expect(await written()).toEqual(before);
    const rows = await sql<{ surface: number; received_at: Date }>('SELECT surface_sm[1] AS surface, received_at FROM soil_predictions');
    expect(rows.map((r) => [Number(r.surface), new Date(r.received_at).toISOString()])).toEqual([[0.25, INSIDE.toISOString()]]);
  });

  it('accepts exactly one of several concurrent submissions carrying the same uuid', async () => {
    if (!supports(target, 'concurrentConnections', db)) return;
    // Prepare: each submission on its own session (its own connection), as separate containers would
    const nonce = randomUUID();
    const before = await written();
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        session((s) => submitSignedGeoPrediction(s, { ...signed(INSIDE, miner, nonce), queryTime: HOUR_H, value: i })).then(
          () => 'stored',
          (e: unknown) => (e instanceof ReplayError ? 'replay' : e),
        ),
      ),
    );
    // Assess
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'replay')).toHaveLength(5);
    expect((await written()).n).toBe(before.n + 1);
  });

  it('in a caller transaction that rolls back, leaves neither the prediction nor the uuid', async () => {
    if (!supports(target, 'interactiveTransactions', db)) return;
    // Prepare
    const before = await written();
    // Act
    const err = await db
      .session((s) =>
        s.transaction(async (tx) => {
          await submitSignedGeoPrediction(tx, { ...signed(), queryTime: HOUR_H, value: 3 });
          throw new Error('caller changed its mind');
        }),
      )
      .catch((e: unknown) => e);
    // Assess
    expect((err as Error).message).toBe('caller changed its mind');
    expect(await written()).toEqual(before);
  });
});
