// The public face of the validator's data access: schema, inputs, errors and the repositories.
export * from './schema';
export type * from './types';
export {
  NotFoundError,
  UnregisteredMinerError,
  SubmissionsClosedError,
  SubmissionWindowError,
  UnregisteredSignerError,
  ReplayError,
  isNotFoundError,
  BadInputError,
  type NotFoundEntity,
} from './errors';
export { createValidatorDatabase, tables, type ValidatorDatabase, type ValidatorSchema } from './database';
export { REQUIRED_MIGRATION } from './migrations';
export { counting, inTransaction, atomicStatement, type AnySession, type AnyTransaction, type Executor, type Sql, type StatementTally } from './sql';
export { syncMetagraph, listMiners, minerByHotkey, type SyncMetagraphOptions } from './miners';
export { purgeDeregistrations, PURGE_BATCH_MAX, type PurgeOptions, type PurgeSummary } from './deregistration';
export {
  createRegions,
  submitSoilPrediction,
  submitSoilPredictions,
  storeSoilTruth,
  MAX_REGIONS_PER_CALL,
  MAX_SOIL_PREDICTIONS_PER_CALL,
} from './soil';
export { submitGeoPrediction, submitGeoPredictions, storeGeoTruth, MAX_GEO_PREDICTIONS_PER_CALL, MAX_GEO_TRUTH_PER_CALL, MAX_RAW_DST } from './geo';
export { listScores, upsertScoreRows, lockScoreRows, scoreSamples, MAX_SCORES_LIMIT, MAX_SCORE_ROWS_PER_CALL, type ScoreSample } from './scores';
export { latestWeights, storeWeights } from './weights';
export {
  selectDueSoilWork,
  moveSoilPredictions,
  soilHistoryScores,
  insertSoilHistoryRow,
  deleteSoilPrediction,
  scheduleSoilRetry,
  type DueSoilPrediction,
  type DueSoilWork,
  type SoilDueRule,
  type SoilTruthGrids,
  type ScoredSoil,
  type SoilRetry,
} from './soil-scoring';
export {
  selectDueGeoPredictions,
  moveGeoPredictions,
  scheduleGeoRetries,
  geoHistoryScores,
  type DueGeoPrediction,
  type ScoredGeo,
  type GeoRetry,
} from './geo-scoring';
export { submitSignedGeoPrediction, type GeoSubmission } from './geo-submission';
export { submitSignedSoilPrediction, type SoilSubmission } from './soil-submission';
export type { SignedSubmission } from './submission';
export { DEFAULT_SUBMISSION_WINDOWS, checkGeoWindow, geoWindow, nextGeoHour, type SubmissionWindows } from './windows';
export { decodeSs58, encodeSs58, sameKey, keyHex, Ss58Error, PUBLIC_KEY_BYTES, BITTENSOR_SS58_PREFIX, type DecodedAddress } from './ss58';
export { NONCE_RETENTION_MINUTES, RETENTION_DAYS, RETENTION_TARGETS, CLEANUP_BATCH_MAX, deleteExpiredBatch, type RetentionDays, type RetentionTarget } from './cleanup';
