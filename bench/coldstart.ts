// Suite "coldstart": at the top of every hour 256 miners submit at once, so Lambda starts many containers together and
// each pays its module init. Every function is bundled as for deployment (scripts/bundle.ts, the pg driver) and its
// init (a fresh node importing it, node's start-up excluded) measured against a minimal raw-pg handler bundled the
// same way, in the same run, alternating per run, with a second copy of the raw bundle as the A/A control. Probes of
// what init does (zod, the drizzle schema, lib/db, lib/lambda, each bundled alone) are reported beside them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allFunctions, type AnyFunctionSpec } from '../lib/app/functions';
import { bundle } from '../scripts/bundle';
import { ratioOfMedians } from './support/bootstrap';
import { alternatingInit, taskFolder, type InitTarget } from './coldstart/init-time';
import { figure, type Figure } from './support/figures';
import { MB } from './support/heap';
import { scaled } from './support/measure';
import { summarize } from './support/stats';
import { defineSuite } from './support/suite';

const RUNS = 30;
/** The goal: a function's init at most 1.5x the raw-pg handler's. */
const INIT_RATIO = 1.5;
const DRIVER = 'pg';
const here = path.dirname(fileURLToPath(import.meta.url));
const rel = (file: string) => path.relative(path.resolve(here, '..'), path.join(here, file));
const RAW = rel('coldstart/raw-pg-handler.ts');
const PROBES: Record<string, string> = {
  'empty module': rel('coldstart/probes/empty.ts'),
  'zod (classic API, one schema)': rel('coldstart/probes/zod.ts'),
  'drizzle validator schema': rel('coldstart/probes/validator-schema.ts'),
  'lib/db + createDatabase': rel('coldstart/probes/lib-db.ts'),
  'lib/lambda (Powertools logger, metrics)': rel('coldstart/probes/lib-lambda.ts'),
};

/** Bundled like a function of the tables (bundle() reads only the handler path and whether it needs a database). */
const asSpec = (handler: string) => ({ handler, needsDatabase: true }) as AnyFunctionSpec;

export default defineSuite({
  description: 'module init of every bundled function vs a minimal raw-pg handler bundled the same way (A/A: the raw bundle twice)',
  async run(ctx) {
    const built: (InitTarget & { bytes: number; kind: 'function' | 'raw' | 'probe' })[] = [];
    const add = async (name: string, spec: AnyFunctionSpec, kind: 'function' | 'raw' | 'probe') => {
      const b = await bundle(spec, { driver: DRIVER, iamAuth: false });
      built.push({ name, file: b.outFile, bytes: b.bytes, kind });
    };
    await add('raw', asSpec(RAW), 'raw');
    built.push({ ...built[0]!, name: 'raw-b' }); // the same bundle under a second name, copied to its own file
    for (const spec of allFunctions) await add(spec.handler, spec, 'function');
    for (const [name, file] of Object.entries(PROBES)) await add(name, asSpec(file), 'probe');

    const runs = scaled(RUNS, ctx.scale, 5);
    ctx.log(`init of ${built.length} bundles, ${runs} fresh processes each, alternating per run`);
    const task = taskFolder(built);
    let ms: Record<string, Float64Array>;
    try {
      ms = alternatingInit(task.targets, runs, ctx.log);
    } finally {
      task.cleanup();
    }

    const raw = built[0]!;
    const control = ratioOfMedians(ms['raw-b']!, ms.raw!);
    const median = (name: string) => summarize(ms[name]!).median;
    const vsRaw = (name: string, goal: boolean, label = name): Figure =>
      figure({
        name: `${label}: module init, median of ${runs}`,
        value: median(name),
        baseline: median('raw'),
        unit: 'ms',
        goals: goal ? [{ on: 'ratio', op: '<=', limit: INIT_RATIO }] : undefined,
        interval: ratioOfMedians(ms[name]!, ms.raw!).interval,
        control,
      });
    const figures: Figure[] = [
      figure({ name: `raw-pg handler (baseline): module init, A/A control (the same bundle, second copy), median of ${runs}`, value: median('raw-b'), baseline: median('raw'), unit: 'ms', interval: control.interval }),
    ];
    for (const b of built.filter((x) => x.kind === 'function')) {
      figures.push(vsRaw(b.name, true));
      figures.push(figure({ name: `${b.name}: bundle size`, value: b.bytes / MB, baseline: raw.bytes / MB, unit: 'MB' }));
    }
    // What init does, piece by piece, against the same baseline (each bundled alone, so shared code counts in each).
    for (const b of built.filter((x) => x.kind === 'probe')) {
      figures.push(vsRaw(b.name, false, `probe ${b.name}`));
      figures.push(figure({ name: `probe ${b.name}: bundle size`, value: b.bytes / MB, baseline: raw.bytes / MB, unit: 'MB' }));
    }
    return figures;
  },
});
