// Geo step for 256 miners: one hour of predictions with its truth (what an hourly run finds), all scored.
import { runGeoStep } from '../../lib/tasks';
import type { Figure } from '../support/figures';
import type { SuiteContext } from '../support/suite';
import { keepSeed } from './fresh-state';
import type { StepsEnv } from './open';
import { reportStep } from './report-step';
import { GEO_NOW, MINERS, seedGeoHour } from './seed';

export async function geoStepFigures(env: StepsEnv, ctx: SuiteContext): Promise<Figure[]> {
  ctx.log(`geo: seeding 1 hour x ${MINERS} miners with its truth`);
  await env.db.session(seedGeoHour);
  const fresh = await keepSeed(env.raw, { kept: ['geo_predictions'], emptied: ['geo_history', 'score_rows'] });
  return reportStep(env, ctx, {
    label: `geo step, 1 hour x ${MINERS} miners`,
    fresh,
    run: async (s) => {
      const summary = await runGeoStep(s, { now: GEO_NOW });
      if (summary.scored !== MINERS) throw new Error(`geo step scored ${summary.scored} of ${MINERS}`);
      return summary;
    },
  });
}
