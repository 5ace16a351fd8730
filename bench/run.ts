// `npm run bench [-- suite ...]`: runs every suite in bench/ (or the named ones), prints a table per suite and
// writes bench/results/<suite>.json. BENCH_SCALE=0.1 shortens every loop (figures then only indicative).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSuites } from './support/registry';
import { runSuites } from './support/runner';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
// Handlers driven by a suite would write an EMF metrics line per invocation into the tables (the metrics suite
// measures that line on an instance of its own).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got "${process.env.BENCH_SCALE}"`);

const suites = await loadSuites(benchDir, process.argv.slice(2));
const outcomes = await runSuites(suites, {
  resultsDir: path.join(benchDir, 'results'),
  scale,
  out: (text) => process.stdout.write(`${text}\n`),
  log: (text) => process.stderr.write(`${text}\n`),
});

const failed = outcomes.filter((o) => 'error' in o).map((o) => o.name);
const missed = outcomes.flatMap((o) => ('figures' in o ? o.figures.filter((f) => f.met === false).map((f) => `${o.name}: ${f.name}`) : []));
if (missed.length > 0) process.stdout.write(`Goals missed in this run (timings vary with machine load; re-run to confirm):\n  ${missed.join('\n  ')}\n`);
if (failed.length > 0) {
  process.stdout.write(`Suites that failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
