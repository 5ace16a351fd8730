// What a geo chunk does with each attemptable prediction: score it against its hour's truth, or wait
// (retry) / give up while the truth is missing. Pure: the step reads the inputs and writes the plan.
import type { DueGeoPrediction, GeoRetry, ScoredGeo } from '../../validator';
import { geoScore } from './math';
import { nextGeoRetry } from './retry';

export type GeoPolicyOptions = { retryAfterMs?: number; maxRetries?: number; maxAgeMs?: number };

export type GeoChunkPlan = {
  scored: (ScoredGeo & { hour: Date })[];
  gaveUp: number[];
  retries: GeoRetry[];
};

export function planGeoChunk(due: readonly DueGeoPrediction[], now: Date, policy: GeoPolicyOptions = {}): GeoChunkPlan {
  const plan: GeoChunkPlan = { scored: [], gaveUp: [], retries: [] };
  for (const p of due) {
    if (p.truth !== null) {
      plan.scored.push({ id: p.id, truth: p.truth, score: geoScore(p.predictedValue, p.truth), hour: p.queryTime });
      continue;
    }
    const d = nextGeoRetry(p, now, policy);
    if (d.action === 'give_up') plan.gaveUp.push(p.id);
    else plan.retries.push({ id: p.id, retryCount: d.retryCount, nextRetryTime: d.nextRetryTime });
  }
  return plan;
}
