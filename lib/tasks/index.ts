// The public face of the scheduled steps (the pure math stays importable from each task's math.ts).
export { runSoilStep, SOIL_TASK, DEFAULT_SOIL_CHUNK, MAX_SOIL_CHUNK, type SoilStepOptions, type SoilStepSummary } from './soil/step';
export { runGeoStep, GEO_TASK, DEFAULT_GEO_CHUNK, MAX_GEO_CHUNK, type GeoStepOptions, type GeoStepSummary } from './geo/step';
export { runWeightsStep, DEFAULT_LOOKBACK_DAYS, type WeightsStepOptions, type WeightsStepSummary } from './scoring/step';
export { runCleanupStep, DEFAULT_CLEANUP_MAX_BATCHES, type CleanupStepOptions, type CleanupStepSummary } from './cleanup/step';
export { planSoilChunk, type SoilChunkPlan } from './soil/plan';
export { planGeoChunk, type GeoChunkPlan } from './geo/plan';
export { nextGeoRetry, GEO_POLICY, type GeoRetryDecision } from './geo/retry';
export type { ChunkHooks, StopReason } from './chunks';
