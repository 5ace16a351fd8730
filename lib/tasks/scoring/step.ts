// The weights step: score rows of both tasks from the lookback window -> one weight vector, stored with
// the window it read. One read, one short write; a re-run at the same `now` replaces its vector.
import { counting, scoreSamples, storeWeights, type AnySession, type Weights } from '../../validator';
import { computeWeights } from './math';

const DAY_MS = 86_400_000;
/** The original's lookback (3 days in one version, 1 in a later one). */
export const DEFAULT_LOOKBACK_DAYS = 3;

export type WeightsStepOptions = {
  now: Date;
  lookbackDays?: number;
};

export type WeightsStepSummary = {
  geoRows: number;
  soilRows: number;
  /** Uids with a weight > 0. */
  weighted: number;
  weightsId: number;
  windowStart: Date;
  windowEnd: Date;
  roundTrips: number;
};

export async function runWeightsStep(session: AnySession, options: WeightsStepOptions): Promise<WeightsStepSummary> {
  const { now } = options;
  const lookbackDays = options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  if (!(lookbackDays > 0) || !Number.isFinite(lookbackDays)) throw new RangeError(`lookbackDays must be > 0, got ${lookbackDays}`);
  const windowStart = new Date(now.getTime() - lookbackDays * DAY_MS);
  const tally = { statements: 0 };

  // Rows created after `now` are left out, so a re-run at the same `now` computes the same vector.
  const samples = await scoreSamples(counting(session, tally), { since: windowStart, until: now });
  const geoRows = samples.filter((s) => s.taskName === 'geomagnetic');
  const soilRows = samples.filter((s) => s.taskName === 'soil_moisture');
  const vector = computeWeights({ geoRows, soilRows, now, lookbackDays });

  const stored: Weights = await session.transaction((tx) =>
    storeWeights(counting(tx, tally), {
      computedAt: now,
      windowStart,
      windowEnd: now,
      weights: vector,
      inputs: { geoRows: geoRows.length, soilRows: soilRows.length, lookbackDays, ...taskTimeRange(samples) },
    }),
  );
  return {
    geoRows: geoRows.length,
    soilRows: soilRows.length,
    weighted: vector.filter((w) => w > 0).length,
    weightsId: stored.id,
    windowStart,
    windowEnd: now,
    roundTrips: tally.statements + 2,
  };
}

/** The target times the inputs cover (for auditing a stored vector). */
function taskTimeRange(samples: readonly { taskTime: Date }[]): { firstTaskTime: string | null; lastTaskTime: string | null } {
  if (samples.length === 0) return { firstTaskTime: null, lastTaskTime: null };
  const ms = samples.map((s) => s.taskTime.getTime());
  return { firstTaskTime: new Date(Math.min(...ms)).toISOString(), lastTaskTime: new Date(Math.max(...ms)).toISOString() };
}
