// Soil step, 5 regions x 256 miners (1,280 predictions, four 11x11 grids each), three sides on the same
// freshly restored state, interleaved:
// - batched: runSoilStep as scheduled (chunks of 256, each one transaction: one statement selecting the due
//   predictions and their truth (grids in binary), one moving the scored predictions into history
//   server-side, the score-row lock and history read, and the upsert in the chunk that leaves the target
//   time with nothing due);
// - per-row: runSoilStep({ perRow: true }), the comparison path (a history INSERT and a DELETE per prediction);
// - hand-written: the same work on raw node-postgres in ONE transaction with ONE multi-row history INSERT
//   (see hand-written-soil.ts).
// Whole-step time covers everything each side does from start to commit (the layer's session included);
// the write phase is the time in the statements that write history or delete predictions, taken by the
// same statement clock on every side.
import { runSoilStep } from '../../lib/tasks';
import { figure, type Figure } from '../support/figures';
import { ratioOfMedians } from '../support/bootstrap';
import { scaled } from '../support/measure';
import { pinServerSide } from '../support/pinning';
import type { Sql } from '../../lib/validator';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import { assertSameEndState, soilEndState } from './end-state';
import { keepSeed } from './fresh-state';
import { freshRuns, type FreshVariant, type TimedRun } from './fresh-runs';
import { handWrittenSoilStep, SOIL_PHASES } from './hand-written-soil';
import type { StepsEnv } from './open';
import { MINERS, seedSoilWork, SOIL_NOW, SOIL_PREDICTIONS, SOIL_REGIONS } from './seed';
import { StatementClock } from './statement-clock';

const REPETITIONS = 7;
/** "At least 10x faster than the per-row path": batched time / per-row time. */
const PER_ROW_RATIO = 0.1;
/** "At least 0.7x the speed of the hand-written baseline": batched time / hand-written time <= 1 / 0.7. */
const HAND_WRITTEN_RATIO = 1 / 0.7;

type SoilRun = { writeMs: number; readDueMs: number; roundTrips: number };

export async function soilStepFigures(env: StepsEnv, ctx: SuiteContext): Promise<Figure[]> {
  ctx.log(`soil: seeding ${SOIL_REGIONS} regions x ${MINERS} miners (${SOIL_PREDICTIONS} predictions, four 11x11 grids each)`);
  await env.db.session(seedSoilWork);
  const fresh = await keepSeed(env.raw, { kept: ['soil_predictions'], emptied: ['soil_history', 'score_rows'] });

  const step = (perRow: boolean) => async (): Promise<SoilRun> => {
    const clock = new StatementClock(SOIL_PHASES);
    const summary = await env.db.session((s) => runSoilStep(clock.session(s), { now: SOIL_NOW, perRow }));
    if (summary.scored !== SOIL_PREDICTIONS) throw new Error(`soil step scored ${summary.scored} of ${SOIL_PREDICTIONS}`);
    return { writeMs: clock.phaseMs.write, readDueMs: clock.phaseMs.readDue, roundTrips: summary.roundTrips };
  };
  const handWritten = (sql: Sql) => async (): Promise<SoilRun> => {
    const clock = new StatementClock(SOIL_PHASES);
    const written = await handWrittenSoilStep(clock.sql(sql), SOIL_NOW);
    if (written !== SOIL_PREDICTIONS) throw new Error(`hand-written soil step wrote ${written} of ${SOIL_PREDICTIONS}`);
    return { writeMs: clock.phaseMs.write, readDueMs: clock.phaseMs.readDue, roundTrips: clock.statements };
  };
  const variants: FreshVariant<SoilRun>[] = [
    { name: 'batched', run: step(false) },
    { name: 'per-row', run: step(true) },
    { name: 'hand-written', run: handWritten(env.rawSql) },
    // The A/A control: the same hand-written step on a second raw client.
    { name: 'hand-written-b', run: handWritten(env.rawSqlB) },
  ];

  // One unmeasured run each (JIT, connections, plan caches), and the proof that all three do the same work.
  const states: Record<string, string> = {};
  for (const v of variants) {
    await fresh.restore();
    await v.run();
    states[v.name] = await soilEndState(env.rawSql);
  }
  assertSameEndState(states);
  ctx.log(`soil: all sides end in the same state: ${states.batched}`);
  await pinServerSide(env.tdb.name);

  const repetitions = scaled(REPETITIONS, ctx.scale, 5);
  const runs = await freshRuns(variants, { repetitions, fresh, log: ctx.log, label: 'soil' });
  const total = (name: string) => medianOf(runs[name]!, (r) => r.ms);
  const write = (name: string) => medianOf(runs[name]!, (r) => r.result.writeMs);
  const readDue = (name: string) => medianOf(runs[name]!, (r) => r.result.readDueMs);
  const trips = (name: string) => medianOf(runs[name]!, (r) => r.result.roundTrips);
  const of = `median of ${repetitions} fresh runs`;
  const times = (name: string, pick: (r: TimedRun<SoilRun>) => number = (r) => r.ms) => Float64Array.from(runs[name]!, pick);
  const control = ratioOfMedians(times('hand-written-b'), times('hand-written'));
  const against = (value: string, baseline: string, pick?: (r: TimedRun<SoilRun>) => number) => ({
    interval: ratioOfMedians(times(value, pick), times(baseline, pick)).interval,
    control,
  });

  return [
    figure({
      name: `soil 5x256 whole step: batched (value) vs per-row path (baseline), ratio = batched/per-row, ${of}`,
      value: total('batched'),
      baseline: total('per-row'),
      unit: 'ms',
      goals: [{ on: 'ratio', op: '<=', limit: PER_ROW_RATIO }],
      ...against('batched', 'per-row'),
    }),
    figure({
      name: `soil 5x256 whole step: batched (value) vs hand-written raw pg, 1 tx: due+truth SELECTs, 1 multi-row history INSERT, 1 DELETE, score-row upsert (baseline), ${of}`,
      value: total('batched'),
      baseline: total('hand-written'),
      unit: 'ms',
      goals: [{ on: 'ratio', op: '<=', limit: HAND_WRITTEN_RATIO }],
      ...against('batched', 'hand-written'),
    }),
    figure({
      name: `soil 5x256 whole step: A/A control, hand-written on a second raw client (value) vs the first (baseline), ${of}`,
      value: total('hand-written-b'),
      baseline: total('hand-written'),
      unit: 'ms',
      interval: control.interval,
    }),
    figure({
      name: `soil 5x256 write phase (history writes + prediction deletes): batched step's 5 move statements (value) vs hand-written 1 multi-row INSERT + 1 DELETE (baseline), ${of}`,
      value: write('batched'),
      baseline: write('hand-written'),
      unit: 'ms',
      goals: [{ on: 'ratio', op: '<=', limit: HAND_WRITTEN_RATIO }],
      ...against('batched', 'hand-written', (r) => r.result.writeMs),
    }),
    figure({ name: 'soil 5x256 write phase: per-row path (value) vs hand-written (baseline)', value: write('per-row'), baseline: write('hand-written'), unit: 'ms' }),
    // The floor every side shares: the server writing out ~310,000 grid values and the client reading them.
    figure({
      name: 'soil 5x256 read phase (the SELECT of the due predictions with their grids): batched step, 5 chunks, truth in the same statement, grids in binary (value) vs hand-written, 1 SELECT, grids as text (baseline)',
      value: readDue('batched'),
      baseline: readDue('hand-written'),
      unit: 'ms',
    }),
    figure({
      name: 'soil 5x256 round trips per step: batched (value, step summary) vs hand-written raw pg (baseline, statements + BEGIN/COMMIT)',
      value: trips('batched'),
      baseline: trips('hand-written'),
      unit: 'round trips',
    }),
    figure({ name: 'soil 5x256 round trips per step: per-row path (value) vs batched (baseline), step summaries', value: trips('per-row'), baseline: trips('batched'), unit: 'round trips' }),
  ];
}

function medianOf<R>(runs: readonly TimedRun<R>[], pick: (r: TimedRun<R>) => number): number {
  return summarize(runs.map(pick)).median;
}
