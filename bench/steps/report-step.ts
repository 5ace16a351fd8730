// Time and round trips of one step, reported (no raw counterpart): median over fresh runs through the
// layer, the step's own round-trip count from its summary, and the count a counting proxy saw.
import type { AnySession } from '../../lib/validator';
import type { Figure } from '../support/figures';
import { scaled } from '../support/measure';
import { pinServerSide } from '../support/pinning';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import type { FreshState } from './fresh-state';
import { freshRuns } from './fresh-runs';
import type { StepsEnv } from './open';
import { reported } from './reported';
import { wireRoundTrips } from './wire';

const REPETITIONS = 15;

export type ReportedStep = {
  label: string;
  fresh: FreshState;
  /** One run of the step; throws when it did not do the seeded work. */
  run: (s: AnySession) => Promise<{ roundTrips: number }>;
};

export async function reportStep(env: StepsEnv, ctx: SuiteContext, o: ReportedStep): Promise<Figure[]> {
  await o.fresh.restore();
  await env.db.session(o.run); // unmeasured: JIT, plan caches
  await pinServerSide(env.tdb.name);
  const repetitions = scaled(REPETITIONS, ctx.scale, 5);
  const runs = (await freshRuns([{ name: 'step', run: () => env.db.session(o.run) }], { repetitions, fresh: o.fresh, log: ctx.log, label: o.label })).step!;
  const counted = new Set(runs.map((r) => r.result.roundTrips));
  if (counted.size > 1) throw new Error(`${o.label}: round trips differ between identical runs: ${[...counted].join(', ')}`);
  const wire = await wireRoundTrips(env.tdb, o.fresh, o.run);
  return [
    reported({ name: `${o.label}: time per step, median of ${repetitions} fresh runs`, value: summarize(runs.map((r) => r.ms)).median, unit: 'ms' }),
    reported({ name: `${o.label}: round trips per step (step summary)`, value: runs[0]!.result.roundTrips, unit: 'round trips' }),
    reported({ name: `${o.label}: round trips per step on the wire (counting proxy)`, value: wire, unit: 'round trips' }),
  ];
}
