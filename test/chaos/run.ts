// `npm run chaos [-- --short] [scenario ...]`: the chaos suite against a throwaway PostgreSQL cluster and its own
// PgBouncer (never the shared servers), driving the real handlers with API Gateway v2 events. Prints a one-line
// verdict per scenario, writes bench/results/chaos.json (`--short`: chaos.short.json) and exits 1 when a goal is
// missed or a scenario fails. `--short` (.ci/run) runs every scenario for a few seconds.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChaosEnv, type ChaosEnv } from './support/environment';
import type { ScenarioResult } from './support/goals';
import { MODES, type Mode } from './support/mode';
import { runLoadScenario } from './support/scenario';
import { fanOut } from './scenarios/fanout';
import { freezeThaw } from './scenarios/freeze';
import { backendKills } from './scenarios/kills';
import { silentPartition } from './scenarios/partition';
import { pgbouncerRestart, postgresRestart, postgresRestartBehindPgbouncer } from './scenarios/restarts';
import { stepsKilledMidRun } from './scenarios/steps';

type Run = (env: ChaosEnv, mode: Mode, log: (m: string) => void) => Promise<ScenarioResult>;

const load = (s: Parameters<typeof runLoadScenario>[2]): [string, Run] => [s.name, (env, mode, log) => runLoadScenario(env, mode, s, log)];

const SCENARIOS: [string, Run][] = [
  load(backendKills(100)),
  load(backendKills(20)),
  load(postgresRestart('fast')),
  load(postgresRestart('immediate')),
  load(pgbouncerRestart),
  load(postgresRestartBehindPgbouncer),
  load(freezeThaw),
  load(silentPartition),
  ['fan-out-pgbouncer', (env, mode, log) => fanOut(env, mode, 'pgbouncer', log)],
  ['fan-out-direct', (env, mode, log) => fanOut(env, mode, 'direct', log)],
  ['steps-killed', stepsKilledMidRun],
];

const args = process.argv.slice(2);
const mode = MODES[args.includes('--short') ? 'short' : 'full'];
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !SCENARIOS.some(([name]) => name === w));
if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map(([n]) => n).join(', ')}`);
const chosen = SCENARIOS.filter(([name]) => wanted.length === 0 || wanted.includes(name));

const log = (m: string) => process.stderr.write(`[chaos] ${m}\n`);
const results: ScenarioResult[] = [];
const failures: string[] = [];
const env = await startChaosEnv(log);
// The throwaway servers must not outlive the run: on Ctrl-C, or a stray rejection, close them first.
const abort = (why: string) => {
  process.stdout.write(`chaos: ${why}; stopping the throwaway servers\n`);
  void env.close().finally(() => process.exit(1));
};
process.once('SIGINT', () => abort('interrupted'));
process.once('SIGTERM', () => abort('terminated'));
process.once('unhandledRejection', (err) => abort(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`));
try {
  for (const [name, run] of chosen) {
    const started = Date.now();
    try {
      const r = await run(env, mode, log);
      results.push(r);
      process.stdout.write(`${r.verdict} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    } catch (err) {
      failures.push(name);
      process.stdout.write(`FAILED ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
} finally {
  await env.close();
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results', mode.name === 'full' ? 'chaos.json' : 'chaos.short.json');
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const missed = results.filter((r) => !r.met).map((r) => r.scenario);
process.stdout.write(
  `chaos (${mode.name}): ${results.length - missed.length} of ${chosen.length} scenarios met every goal` +
    `${missed.length ? `; missed: ${missed.join(', ')}` : ''}${failures.length ? `; failed to run: ${failures.join(', ')}` : ''}; results in ${file}\n`,
);
if (missed.length > 0 || failures.length > 0) process.exitCode = 1;
