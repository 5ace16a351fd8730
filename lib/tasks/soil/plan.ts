// What a soil chunk does with each due prediction: score, retry, give up or discard. Pure (no I/O): the
// step reads the inputs and writes the plan.
import type { DueSoilPrediction, ScoredSoil, SoilRetry, SoilTruthGrids } from '../../validator';
import { GRID_SIZE, nextRetry, scoreSoilPrediction, unflattenGrid, type RetryCause, type SoilLayers } from './math';

export type SoilPolicyOptions = { maxRetries?: number; maxAgeMs?: number };

export type SoilChunkPlan = {
  scored: (ScoredSoil & { targetTime: Date })[];
  /** Wrong shape, or no valid pixel where the truth has some: deleted, not scored. */
  discarded: number[];
  /** Out of retries or too old: deleted. */
  gaveUp: number[];
  retries: SoilRetry[];
};

export function planSoilChunk(
  due: readonly DueSoilPrediction[],
  truths: ReadonlyMap<number, SoilTruthGrids>,
  now: Date,
  policy: SoilPolicyOptions = {},
): SoilChunkPlan {
  const plan: SoilChunkPlan = { scored: [], discarded: [], gaveUp: [], retries: [] };
  const retryOrGiveUp = (p: DueSoilPrediction, cause: RetryCause) => {
    const d = nextRetry(p, now, cause, policy);
    if (d.action === 'give_up') plan.gaveUp.push(p.id);
    else plan.retries.push({ id: p.id, retryCount: d.retryCount, nextRetryTime: d.nextRetryTime, errorMessage: d.errorMessage });
  };

  // Each region's truth shaped once, not once per prediction (a chunk holds ~256 predictions of a few regions).
  const shaped = new Map<number, SoilLayers>();
  const truthOf = (regionId: number, t: SoilTruthGrids) => {
    let layers = shaped.get(regionId);
    if (!layers) shaped.set(regionId, (layers = { surface: unflattenGrid(t.surface), rootzone: unflattenGrid(t.rootzone) }));
    return layers;
  };

  for (const p of due) {
    const truth = truths.get(p.regionId);
    if (!truth) {
      retryOrGiveUp(p, 'truth_missing');
      continue;
    }
    const pred = { surface: gridOrNull(p.surfaceSm), rootzone: gridOrNull(p.rootzoneSm) };
    const result = scoreSoilPrediction(truthOf(p.regionId, truth), pred);
    if (result.ok) {
      plan.scored.push({ id: p.id, regionId: p.regionId, surfaceRmse: result.surfaceRmse, rootzoneRmse: result.rootzoneRmse, score: result.total, targetTime: p.targetTime });
    } else if (result.reason === 'no_valid_pixels' && (!hasFinite(truth.surface) || !hasFinite(truth.rootzone))) {
      // A truth layer with no pixel at all is a gap in the truth, not the miner's fault: wait for a better one.
      retryOrGiveUp(p, 'truth_missing');
    } else {
      plan.discarded.push(p.id);
    }
  }
  return plan;
}

/** A stored grid as 11x11, or null (scored as wrong shape) when its length is off. */
function gridOrNull(flat: readonly number[] | null): number[][] | null {
  return flat && flat.length === GRID_SIZE * GRID_SIZE ? unflattenGrid(flat) : null;
}

function hasFinite(values: readonly number[]): boolean {
  return values.some((v) => Number.isFinite(v));
}
