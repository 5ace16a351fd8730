// Shared by the validator and step tests: migrated databases (real PostgreSQL or PGlite), seed data, and a
// snapshot of every table by natural key (for comparing a killed-and-resumed run with a clean one).
import { fileURLToPath } from 'node:url';
import { migrate, type DbLogger } from '../../lib/db';
import {
  createRegions,
  createValidatorDatabase,
  syncMetagraph,
  type AnySession,
  type MinerInput,
  type RegionInput,
  type SoilRegion,
  type ValidatorDatabase,
} from '../../lib/validator';
import { devMiner } from '../../dev/miner/keys';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';

export const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const quietLogger: DbLogger = { debug() {}, info() {}, warn() {}, error() {} };

export type Harness = {
  db: ValidatorDatabase;
  /** Undefined on PGlite. */
  tdb: TestDatabase | undefined;
  session<T>(fn: (s: AnySession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/** A fresh, migrated database on the shared PostgreSQL server. */
export async function pgHarness(prefix: string, options: { logger?: DbLogger; poolMax?: number } = {}): Promise<Harness> {
  const tdb = await createTestDatabase(prefix);
  const db = createValidatorDatabase({
    url: tdb.url,
    applicationName: tdb.applicationName,
    logger: options.logger ?? quietLogger,
    poolMax: options.poolMax ?? 2,
    // Seeding big tables takes longer than a request.
    statementTimeoutMs: 60_000,
    transactionTimeoutMs: 120_000,
    sessionTimeoutMs: 300_000,
    env: {},
  });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return harness(db, tdb);
}

/**
 * Limits for PGlite in tests: its first connection starts the WASM instance, which on a loaded CI machine
 * takes longer than the production defaults allow.
 */
export const PGLITE_TEST_LIMITS = { connectTimeoutMs: 60_000, acquireTimeoutMs: 60_000, statementTimeoutMs: 60_000, transactionTimeoutMs: 60_000, sessionTimeoutMs: 300_000 };

/** A fresh, migrated in-memory PGlite. */
export async function pgliteHarness(options: { logger?: DbLogger } = {}): Promise<Harness> {
  const db = createValidatorDatabase({ driver: 'pglite', logger: options.logger ?? quietLogger, ...PGLITE_TEST_LIMITS, env: {} });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return harness(db, undefined);
}

function harness(db: ValidatorDatabase, tdb: TestDatabase | undefined): Harness {
  return {
    db,
    tdb,
    session: (fn) => db.session(fn),
    close: async () => {
      await db.close();
      await tdb?.drop();
    },
  };
}

// ---- seed data -------------------------------------------------------------------------------

/** The ss58 hotkey of a uid's miner (dev keyring; a new generation is a new hotkey at the same uid). */
export const hotkeyOf = (uid: number, generation = 0) => devMiner(uid, generation).address;

export const minerRows = (uids: Iterable<number>, generation = 0): MinerInput[] =>
  [...uids].map((uid) => ({ uid, hotkey: hotkeyOf(uid, generation), coldkey: `cold${uid}`, stake: uid * 10, trust: 0.5 }));

export const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

export async function seedMiners(s: AnySession, uids: Iterable<number>): Promise<void> {
  await syncMetagraph(s, minerRows(uids));
}

/** An 11x11 grid of one value. */
export const filled = (v: number): number[][] => Array.from({ length: 11 }, () => Array<number>(11).fill(v));

export const BOUNDS = [500_000, 3_000_000, 610_000, 3_110_000];
export const CRS = 32611;

export function regionInput(targetTime: Date, i = 0): RegionInput {
  return {
    regionDate: targetTime.toISOString().slice(0, 10),
    targetTime,
    bbox: [-100 + i, 30, -99 + i, 31],
    sentinelBounds: BOUNDS,
    sentinelCrs: CRS,
    status: 'sent_to_miners',
  };
}

export async function seedRegions(s: AnySession, targetTimes: readonly Date[], perTime: number): Promise<SoilRegion[]> {
  return createRegions(s, targetTimes.flatMap((t) => range(perTime).map((i) => regionInput(t, i))));
}

export function soilPrediction(region: { id: number }, uid: number, surface: number, rootzone = surface) {
  return { regionId: region.id, uid, hotkey: hotkeyOf(uid), surfaceSm: filled(surface), rootzoneSm: filled(rootzone), sentinelBounds: BOUNDS, sentinelCrs: CRS };
}

// ---- inspection ------------------------------------------------------------------------------

/** Row counts of every validator table. */
export async function counts(s: AnySession): Promise<Record<string, number>> {
  const tables = ['miners', 'miner_deregistrations', 'score_rows', 'soil_regions', 'soil_predictions', 'soil_truth', 'soil_history', 'geo_predictions', 'geo_history', 'geo_truth', 'weights', 'request_nonces'];
  const res = await s.query<Record<string, number>>(`SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
  return res.rows[0]!;
}

/**
 * Every table's content by natural key, without surrogate ids and write-time stamps (created_at of
 * predictions, updated_at, received_at): what two runs of a step must agree on. NaN is kept as text, and
 * int8 as text (node-postgres and PGlite hand it back differently).
 */
export type Snapshot = Record<'scoreRows' | 'soilPredictions' | 'soilHistory' | 'geoPredictions' | 'geoHistory' | 'weights', unknown[]>;

export async function snapshot(s: AnySession): Promise<Snapshot> {
  const q = async (text: string) => JSON.parse(JSON.stringify((await s.query(text)).rows, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))) as unknown[];
  return {
    scoreRows: await q('SELECT task_name, task_id::text, task_time, score, status, created_at FROM score_rows ORDER BY task_name, task_id'),
    soilPredictions: await q('SELECT region_id::text, miner_uid, miner_hotkey, status, retry_count, next_retry_time, retry_error_message FROM soil_predictions ORDER BY region_id, miner_uid'),
    soilHistory: await q(
      'SELECT region_id::text, miner_uid, miner_hotkey, target_time, surface_rmse, rootzone_rmse, score, scored_at, surface_sm_pred, surface_sm_truth FROM soil_history ORDER BY region_id, miner_uid, target_time',
    ),
    geoPredictions: await q('SELECT miner_uid, query_time, predicted_value, retry_count, next_retry_time FROM geo_predictions ORDER BY miner_uid, query_time'),
    geoHistory: await q('SELECT miner_uid, miner_hotkey, query_time, predicted_value, ground_truth_value, score, scored_at FROM geo_history ORDER BY miner_uid, query_time'),
    weights: await q('SELECT computed_at, window_start, window_end, weights, inputs FROM weights ORDER BY computed_at'),
  };
}

/** Terminates the backends of the code under test (its application_name), from an admin connection. */
export async function killBackends(tdb: TestDatabase): Promise<number> {
  const rows = await adminQuery<{ pid: number }>(
    'SELECT pg_terminate_backend(pid) AS ok, pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
    [tdb.name, tdb.applicationName],
  );
  return rows.length;
}
