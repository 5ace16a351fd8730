// Suite "steps": the validator's scheduled steps on real PostgreSQL. The soil step (5 regions x 256 miners)
// batched vs its per-row comparison path and vs a hand-written raw-pg equivalent; the geo step (256 miners)
// and the weights step (3-day window) reported as time and round trips. Every measured run starts from a
// freshly restored seed (restore not timed); see bench/steps/*.ts for what each side includes.
import { withStepsEnv } from './steps/open';
import { geoStepFigures } from './steps/geo';
import { soilStepFigures } from './steps/soil';
import { weightsStepFigures } from './steps/weights';
import { defineSuite } from './support/suite';

export default defineSuite({
  description: 'validator steps: soil 5x256 batched vs per-row vs hand-written raw pg; geo and weights time and round trips',
  async run(ctx) {
    return withStepsEnv(async (env) => [
      ...(await soilStepFigures(env, ctx)),
      ...(await geoStepFigures(env, ctx)),
      ...(await weightsStepFigures(env, ctx)),
    ]);
  },
});
