// Weights step over a 3-day window: 72 geo and 12 soil score rows in, one vector stored.
import { runWeightsStep } from '../../lib/tasks';
import type { Figure } from '../support/figures';
import type { SuiteContext } from '../support/suite';
import { keepSeed } from './fresh-state';
import type { StepsEnv } from './open';
import { reportStep } from './report-step';
import { seedScoreWindow, WEIGHTS_GEO_ROWS, WEIGHTS_LOOKBACK_DAYS, WEIGHTS_NOW, WEIGHTS_SOIL_ROWS } from './seed';

export async function weightsStepFigures(env: StepsEnv, ctx: SuiteContext): Promise<Figure[]> {
  ctx.log(`weights: seeding a ${WEIGHTS_LOOKBACK_DAYS}-day window of score rows (${WEIGHTS_GEO_ROWS} geo, ${WEIGHTS_SOIL_ROWS} soil)`);
  await env.raw.query('TRUNCATE score_rows'); // what the soil and geo parts left
  await env.db.session(seedScoreWindow);
  const fresh = await keepSeed(env.raw, { kept: ['score_rows'], emptied: ['weights'] });
  return reportStep(env, ctx, {
    label: `weights step, ${WEIGHTS_LOOKBACK_DAYS}-day window (${WEIGHTS_GEO_ROWS} geo + ${WEIGHTS_SOIL_ROWS} soil score rows)`,
    fresh,
    run: async (s) => {
      const summary = await runWeightsStep(s, { now: WEIGHTS_NOW, lookbackDays: WEIGHTS_LOOKBACK_DAYS });
      if (summary.geoRows !== WEIGHTS_GEO_ROWS || summary.soilRows !== WEIGHTS_SOIL_ROWS) {
        throw new Error(`weights step read ${summary.geoRows} geo and ${summary.soilRows} soil rows`);
      }
      return summary;
    },
  });
}
