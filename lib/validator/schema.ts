// The validator's tables (drizzle pg-core). drizzle-kit generates drizzle/*.sql from this file.
// Constraints carry the domain's invariants so a bad row fails at the database, whoever writes it:
// uid in 0..255, fixed array sizes, closed status sets, hour-aligned geo times.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

export const UID_COUNT = 256;
export const GRID_CELLS = 121; // 11 x 11, stored row-major
export const TASK_NAMES = ['soil_moisture', 'geomagnetic'] as const;
export const SOIL_REGION_STATUSES = ['pending', 'sent_to_miners'] as const;
export const SOIL_PREDICTION_STATUSES = ['sent_to_miner', 'retry_scheduled', 'scored'] as const;
export const GEO_PREDICTION_STATUSES = ['pending'] as const;

export type TaskName = (typeof TASK_NAMES)[number];
/** [minLon, minLat, maxLon, maxLat] in degrees, as the original stored it. */
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];
/** What a weights computation read, for auditing a stored result. */
export type WeightsInputs = { geoRows: number; soilRows: number; lookbackDays: number; [key: string]: unknown };

// ---- column helpers --------------------------------------------------------------------------

/** timestamptz read and written as Date. */
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();
/** Surrogate key; numbers stay far below 2^53 at these volumes. */
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const float8Array = (name: string) => doublePrecision(name).array();

/** Raw bytes. drizzle 0.45 has no bytea builder; drivers hand back Buffer/Uint8Array (hex text as a fallback). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | string }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (typeof v === 'string' ? Buffer.from(v.replace(/^\\x/, ''), 'hex') : v),
});

// ---- constraint helpers (CHECK expressions) ---------------------------------------------------

const uidCheck = (table: string, col: AnyPgColumn): ReturnType<typeof check> =>
  check(`${table}_${col.name}_range`, sql`${col} >= 0 AND ${col} < ${sql.raw(String(UID_COUNT))}`);

/** One-dimensional array of exactly n elements (cardinality alone would accept 11x11). NULL passes. */
const arrayLen = (name: string, col: AnyPgColumn, n: number) =>
  check(name, sql`array_ndims(${col}) = 1 AND array_length(${col}, 1) = ${sql.raw(String(n))}`);

const oneOf = (name: string, col: AnyPgColumn, values: readonly string[]) =>
  check(name, sql`${col} IN (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`);

/** Whole hour since the epoch; timezone-independent, unlike date_trunc on timestamptz. */
const hourAligned = (name: string, col: AnyPgColumn): ReturnType<typeof check> =>
  check(name, sql`mod(extract(epoch from ${col}), 3600) = 0`);

// ---- metagraph -------------------------------------------------------------------------------

export const miners = pgTable(
  'miners',
  {
    uid: integer('uid').primaryKey(),
    hotkey: text('hotkey').notNull().unique('miners_hotkey_key'),
    coldkey: text('coldkey'),
    ip: text('ip'),
    ipType: integer('ip_type'),
    port: integer('port'),
    incentive: doublePrecision('incentive'),
    stake: doublePrecision('stake'),
    trust: doublePrecision('trust'),
    vtrust: doublePrecision('vtrust'),
    protocol: integer('protocol'),
    lastUpdated: tstz('last_updated').notNull().defaultNow(),
    /**
     * The hotkey's 32-byte sr25519 public key, decoded from the ss58 address at every sync: signed requests are
     * matched on it (any network prefix names the same key). NULL only for rows synced before migration 0003,
     * until the next sync rewrites them; such a slot cannot submit.
     */
    publicKey: bytea('public_key'),
  },
  (t) => [uidCheck('miners', t.uid), unique('miners_public_key_key').on(t.publicKey), check('miners_public_key_len', sql`octet_length(${t.publicKey}) = 32`)],
);

/**
 * The Epistula-Uuid of every accepted signed request, per signer: a second request with the same uuid is a replay,
 * refused whichever container receives it. Written in the same statement as the prediction it carried (a refused
 * request leaves no row). Rows live RETENTION_DAYS.requestNonces (minutes): once a request's timestamp is past the
 * tolerance it is refused on that alone, so its uuid need not be remembered.
 */
export const requestNonces = pgTable(
  'request_nonces',
  {
    signerKey: bytea('signer_key').notNull(),
    uuid: uuid('uuid').notNull(),
    /** Epistula-Timestamp of the request. */
    signedAt: tstz('signed_at').notNull(),
    /** Server time the request arrived. */
    receivedAt: tstz('received_at').notNull(),
  },
  (t) => [primaryKey({ name: 'request_nonces_pkey', columns: [t.signerKey, t.uuid] }), index('request_nonces_received_idx').on(t.receivedAt)],
);

/**
 * Outbox of deregistrations: written in the same transaction as the metagraph change, removed once the old
 * hotkey's predictions, history and score entries are purged (in short batches). A purge killed half-way
 * resumes from here instead of leaving the old hotkey's rows behind.
 */
export const minerDeregistrations = pgTable(
  'miner_deregistrations',
  {
    id: id(),
    uid: integer('uid').notNull(),
    oldHotkey: text('old_hotkey').notNull(),
    /** Score rows created up to this time get the uid's entry set to 0. */
    deregisteredAt: tstz('deregistered_at').notNull().defaultNow(),
  },
  (t) => [uidCheck('miner_deregistrations', t.uid)],
);

// ---- score rows (one per task and target time) -----------------------------------------------

export const scoreRows = pgTable(
  'score_rows',
  {
    id: id(),
    taskName: text('task_name', { enum: TASK_NAMES }).notNull(),
    /** Target time as epoch seconds. */
    taskId: bigint('task_id', { mode: 'number' }).notNull(),
    taskTime: tstz('task_time').notNull(),
    /** Indexed by uid; NaN = no score for that uid. */
    score: float8Array('score').notNull(),
    status: text('status').notNull().default('completed'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('score_rows_task_key').on(t.taskName, t.taskId),
    oneOf('score_rows_task_name_check', t.taskName, TASK_NAMES),
    arrayLen('score_rows_score_len', t.score, UID_COUNT),
    index('score_rows_task_time_idx').on(t.taskName, t.taskTime),
    // Weights read "task X since created_at >= now - lookback".
    index('score_rows_task_created_idx').on(t.taskName, t.createdAt),
    index('score_rows_created_idx').on(t.createdAt),
  ],
);

// ---- soil moisture ---------------------------------------------------------------------------

export const soilRegions = pgTable(
  'soil_regions',
  {
    id: id(),
    regionDate: date('region_date', { mode: 'string' }).notNull(),
    targetTime: tstz('target_time').notNull(),
    bbox: jsonb('bbox').$type<BBox>().notNull(),
    sentinelBounds: float8Array('sentinel_bounds').notNull(),
    sentinelCrs: integer('sentinel_crs').notNull(),
    status: text('status', { enum: SOIL_REGION_STATUSES }).notNull().default('pending'),
    inputRaster: bytea('input_raster'),
    arrayShape: integer('array_shape').array(),
    /** Predictions are accepted while the server's clock is before this (at the latest the target time). */
    closesAt: tstz('closes_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    oneOf('soil_regions_status_check', t.status, SOIL_REGION_STATUSES),
    check('soil_regions_closes_at_check', sql`${t.closesAt} <= ${t.targetTime}`),
    arrayLen('soil_regions_sentinel_bounds_len', t.sentinelBounds, 4),
    index('soil_regions_target_time_idx').on(t.targetTime),
    index('soil_regions_pending_idx').on(t.targetTime).where(sql`${t.status} = 'pending'`),
    index('soil_regions_created_idx').on(t.createdAt),
  ],
);

// Rows kept inline up to a page (toast_tuple_target = 8160, drizzle/0002_soil_grids_inline.sql; drizzle-kit
// cannot express it): the scoring step copies and deletes every grid, which out-of-line storage made costly.
export const soilPredictions = pgTable(
  'soil_predictions',
  {
    id: id(),
    regionId: bigint('region_id', { mode: 'number' })
      .notNull()
      .references(() => soilRegions.id, { onDelete: 'cascade' }),
    minerUid: integer('miner_uid').notNull(),
    minerHotkey: text('miner_hotkey').notNull(),
    targetTime: tstz('target_time').notNull(),
    surfaceSm: float8Array('surface_sm').notNull(),
    rootzoneSm: float8Array('rootzone_sm').notNull(),
    uncertaintySurface: float8Array('uncertainty_surface'),
    uncertaintyRootzone: float8Array('uncertainty_rootzone'),
    sentinelBounds: float8Array('sentinel_bounds').notNull(),
    sentinelCrs: integer('sentinel_crs').notNull(),
    status: text('status', { enum: SOIL_PREDICTION_STATUSES }).notNull().default('sent_to_miner'),
    retryCount: integer('retry_count').notNull().default(0),
    nextRetryTime: tstz('next_retry_time'),
    retryErrorMessage: text('retry_error_message'),
    /** Server time the (latest) submission arrived; a re-submission updates it. */
    receivedAt: tstz('received_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    // Also serves "predictions of a region" (region_id is its leading column).
    unique('soil_predictions_region_miner_key').on(t.regionId, t.minerUid),
    uidCheck('soil_predictions', t.minerUid),
    oneOf('soil_predictions_status_check', t.status, SOIL_PREDICTION_STATUSES),
    check('soil_predictions_retry_count_check', sql`${t.retryCount} >= 0`),
    arrayLen('soil_predictions_surface_len', t.surfaceSm, GRID_CELLS),
    arrayLen('soil_predictions_rootzone_len', t.rootzoneSm, GRID_CELLS),
    arrayLen('soil_predictions_unc_surface_len', t.uncertaintySurface, GRID_CELLS),
    arrayLen('soil_predictions_unc_rootzone_len', t.uncertaintyRootzone, GRID_CELLS),
    arrayLen('soil_predictions_sentinel_bounds_len', t.sentinelBounds, 4),
    // The two halves of the due rule, each a small partial index:
    // first attempts by target time, and scheduled retries by their time.
    index('soil_predictions_first_due_idx')
      .on(t.targetTime)
      .where(sql`${t.status} = 'sent_to_miner' AND ${t.nextRetryTime} IS NULL`),
    index('soil_predictions_retry_due_idx').on(t.nextRetryTime).where(sql`${t.nextRetryTime} IS NOT NULL`),
    // Deregistration deletes by uid.
    index('soil_predictions_miner_idx').on(t.minerUid),
    index('soil_predictions_created_idx').on(t.createdAt),
  ],
);

export const soilTruth = pgTable(
  'soil_truth',
  {
    regionId: bigint('region_id', { mode: 'number' })
      .primaryKey()
      .references(() => soilRegions.id, { onDelete: 'cascade' }),
    surfaceSm: float8Array('surface_sm').notNull(),
    rootzoneSm: float8Array('rootzone_sm').notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    arrayLen('soil_truth_surface_len', t.surfaceSm, GRID_CELLS),
    arrayLen('soil_truth_rootzone_len', t.rootzoneSm, GRID_CELLS),
  ],
);

// No foreign key to soil_regions: history outlives the regions that cleanup removes. Rows inline up to a page,
// like soil_predictions (drizzle/0002_soil_grids_inline.sql).
export const soilHistory = pgTable(
  'soil_history',
  {
    id: id(),
    regionId: bigint('region_id', { mode: 'number' }).notNull(),
    minerUid: integer('miner_uid').notNull(),
    minerHotkey: text('miner_hotkey').notNull(),
    targetTime: tstz('target_time').notNull(),
    surfaceSmPred: float8Array('surface_sm_pred').notNull(),
    rootzoneSmPred: float8Array('rootzone_sm_pred').notNull(),
    surfaceSmTruth: float8Array('surface_sm_truth').notNull(),
    rootzoneSmTruth: float8Array('rootzone_sm_truth').notNull(),
    surfaceRmse: doublePrecision('surface_rmse').notNull(),
    rootzoneRmse: doublePrecision('rootzone_rmse').notNull(),
    surfaceStructureScore: doublePrecision('surface_structure_score'),
    rootzoneStructureScore: doublePrecision('rootzone_structure_score'),
    score: doublePrecision('score').notNull(),
    scoredAt: tstz('scored_at').notNull().defaultNow(),
  },
  (t) => [
    unique('soil_history_region_miner_time_key').on(t.regionId, t.minerUid, t.targetTime),
    uidCheck('soil_history', t.minerUid),
    arrayLen('soil_history_surface_pred_len', t.surfaceSmPred, GRID_CELLS),
    arrayLen('soil_history_rootzone_pred_len', t.rootzoneSmPred, GRID_CELLS),
    arrayLen('soil_history_surface_truth_len', t.surfaceSmTruth, GRID_CELLS),
    arrayLen('soil_history_rootzone_truth_len', t.rootzoneSmTruth, GRID_CELLS),
    index('soil_history_target_time_idx').on(t.targetTime),
    index('soil_history_miner_idx').on(t.minerUid),
    index('soil_history_scored_idx').on(t.scoredAt),
  ],
);

// ---- geomagnetic -----------------------------------------------------------------------------

export const geoPredictions = pgTable(
  'geo_predictions',
  {
    id: id(),
    minerUid: integer('miner_uid').notNull(),
    minerHotkey: text('miner_hotkey').notNull(),
    /** Start of the hour predicted for. */
    queryTime: tstz('query_time').notNull(),
    predictedValue: doublePrecision('predicted_value').notNull(),
    status: text('status', { enum: GEO_PREDICTION_STATUSES }).notNull().default('pending'),
    retryCount: integer('retry_count').notNull().default(0),
    nextRetryTime: tstz('next_retry_time'),
    /** Server time the (latest) submission arrived; a re-submission updates it. */
    receivedAt: tstz('received_at').notNull().defaultNow(),
    createdAt: createdAt(),
    // $onUpdate covers drizzle update(); an upsert's SET must name updated_at itself.
    updatedAt: tstz('updated_at')
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    // One prediction per miner and hour; a re-submission replaces it (upsert on this key).
    unique('geo_predictions_miner_hour_key').on(t.minerUid, t.queryTime),
    uidCheck('geo_predictions', t.minerUid),
    oneOf('geo_predictions_status_check', t.status, GEO_PREDICTION_STATUSES),
    check('geo_predictions_retry_count_check', sql`${t.retryCount} >= 0`),
    hourAligned('geo_predictions_query_time_hour', t.queryTime),
    index('geo_predictions_query_time_idx').on(t.queryTime),
    index('geo_predictions_created_idx').on(t.createdAt),
  ],
);

export const geoHistory = pgTable(
  'geo_history',
  {
    id: id(),
    minerUid: integer('miner_uid').notNull(),
    minerHotkey: text('miner_hotkey').notNull(),
    queryTime: tstz('query_time').notNull(),
    predictedValue: doublePrecision('predicted_value').notNull(),
    groundTruthValue: doublePrecision('ground_truth_value').notNull(),
    score: doublePrecision('score').notNull(),
    scoredAt: tstz('scored_at').notNull().defaultNow(),
  },
  (t) => [
    unique('geo_history_miner_hour_key').on(t.minerUid, t.queryTime),
    uidCheck('geo_history', t.minerUid),
    hourAligned('geo_history_query_time_hour', t.queryTime),
    index('geo_history_query_time_idx').on(t.queryTime),
    index('geo_history_scored_idx').on(t.scoredAt),
  ],
);

export const geoTruth = pgTable(
  'geo_truth',
  {
    hour: tstz('hour').primaryKey(),
    /** Dst / 100; |raw Dst| > 1000 is rejected before it gets here, hence |dst| <= 10. */
    dst: doublePrecision('dst').notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    hourAligned('geo_truth_hour_aligned', t.hour),
    check('geo_truth_dst_range', sql`abs(${t.dst}) <= 10`),
  ],
);

// ---- weights ---------------------------------------------------------------------------------

export const weights = pgTable(
  'weights',
  {
    id: id(),
    computedAt: tstz('computed_at').notNull(),
    windowStart: tstz('window_start').notNull(),
    windowEnd: tstz('window_end').notNull(),
    /** Indexed by uid, sums to 1 (or all 0 when nobody scored). */
    weights: float8Array('weights').notNull(),
    inputs: jsonb('inputs').$type<WeightsInputs>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    arrayLen('weights_weights_len', t.weights, UID_COUNT),
    check('weights_window_check', sql`${t.windowStart} <= ${t.windowEnd}`),
    // One vector per computation time: a re-run of the step at the same `now` replaces, never duplicates.
    // (Its btree also serves "latest": a backward scan.)
    unique('weights_computed_at_key').on(t.computedAt),
  ],
);

// ---- row types -------------------------------------------------------------------------------

export type Miner = typeof miners.$inferSelect;
export type NewMiner = typeof miners.$inferInsert;
export type MinerDeregistration = typeof minerDeregistrations.$inferSelect;
export type ScoreRow = typeof scoreRows.$inferSelect;
export type NewScoreRow = typeof scoreRows.$inferInsert;
export type SoilRegion = typeof soilRegions.$inferSelect;
export type NewSoilRegion = typeof soilRegions.$inferInsert;
export type SoilPrediction = typeof soilPredictions.$inferSelect;
export type NewSoilPrediction = typeof soilPredictions.$inferInsert;
export type SoilTruth = typeof soilTruth.$inferSelect;
export type NewSoilTruth = typeof soilTruth.$inferInsert;
export type SoilHistory = typeof soilHistory.$inferSelect;
export type NewSoilHistory = typeof soilHistory.$inferInsert;
export type GeoPrediction = typeof geoPredictions.$inferSelect;
export type NewGeoPrediction = typeof geoPredictions.$inferInsert;
export type GeoHistory = typeof geoHistory.$inferSelect;
export type NewGeoHistory = typeof geoHistory.$inferInsert;
export type GeoTruth = typeof geoTruth.$inferSelect;
export type NewGeoTruth = typeof geoTruth.$inferInsert;
export type Weights = typeof weights.$inferSelect;
export type RequestNonce = typeof requestNonces.$inferSelect;
export type NewWeights = typeof weights.$inferInsert;
