// `npm run bench [-- suite ...]`: runs every suite in bench/ (or the named ones), prints a table per suite and
// writes bench/results/<suite>.json. BENCH_SCALE=0.1 shortens every loop (figures then only indicative).
// The process pins itself to one CPU first (bench/support/pinning.ts). BENCH_DELAY_MS=0.5 runs the same suites with
// PostgreSQL behind a proxy that delays each direction by that much (results in <suite>.delay-0.5ms.json).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDelayProxy, type DelayProxy } from './support/delay-proxy';
import { notePinning, pinClient, pinProcess, SERVER_CPU } from './support/pinning';
import { loadSuites } from './support/registry';
import { runSuites } from './support/runner';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
// Handlers driven by a suite would write an EMF metrics line per invocation into the tables (the metrics suite
// measures that line on an instance of its own).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got "${process.env.BENCH_SCALE}"`);
const delayMs = process.env.BENCH_DELAY_MS ? Number(process.env.BENCH_DELAY_MS) : 0;
if (!(delayMs >= 0)) throw new Error(`BENCH_DELAY_MS must be a number of milliseconds >= 0, got "${process.env.BENCH_DELAY_MS}"`);

pinClient();
let delay: DelayProxy | undefined;
if (delayMs > 0) {
  // Before any suite is loaded: test/support/postgres.ts reads TEST_PG_PORT once, and every suite reaches
  // PostgreSQL (directly, through its PgBouncer or through a local peer) at that address.
  delay = await startDelayProxy({ host: process.env.TEST_PG_HOST ?? '127.0.0.1', port: Number(process.env.TEST_PG_PORT ?? 5432) }, delayMs);
  process.env.TEST_PG_PORT = String(delay.port);
  const why = pinProcess(delay.pid, SERVER_CPU, true);
  notePinning(why ? `delay proxy NOT pinned (${why})` : `delay proxy pinned to CPU ${SERVER_CPU}`, true);
  process.stderr.write(`latency dimension: PostgreSQL behind a proxy adding ${delayMs} ms each way (port ${delay.port})\n`);
}

try {
  const suites = await loadSuites(benchDir, process.argv.slice(2));
  const outcomes = await runSuites(suites, {
    resultsDir: path.join(benchDir, 'results'),
    scale,
    out: (text) => process.stdout.write(`${text}\n`),
    log: (text) => process.stderr.write(`${text}\n`),
    resultsSuffix: delayMs > 0 ? `.delay-${delayMs}ms` : '',
  });

  const failed = outcomes.filter((o) => 'error' in o).map((o) => o.name);
  const missed = outcomes.flatMap((o) => ('figures' in o ? o.figures.filter((f) => f.met === false).map((f) => `${o.name}: ${f.name}`) : []));
  if (missed.length > 0) process.stdout.write(`Goals missed in this run (timings vary with machine load; re-run to confirm):\n  ${missed.join('\n  ')}\n`);
  if (failed.length > 0) {
    process.stdout.write(`Suites that failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
} finally {
  await delay?.close();
}
