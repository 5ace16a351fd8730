// Runs suites one after another: table to stdout, JSON to the results folder. A failing suite is reported
// and the others still run. The load average and what CPU pinning did are printed with each table: timings on a busy
// or unpinned machine mislead.
import os from 'node:os';
import type { Figure } from './figures';
import { takePinningNotes } from './pinning';
import { formatTable, writeResults } from './results';
import type { NamedSuite } from './registry';

export type RunOptions = {
  resultsDir: string;
  scale: number;
  /** Tables and the summary. */
  out: (text: string) => void;
  /** Progress. */
  log: (text: string) => void;
  /** Added to each results file name (the latency dimension: `.delay-0.5ms`). */
  resultsSuffix?: string;
};

export type SuiteOutcome = { name: string; figures: Figure[]; file: string } | { name: string; error: unknown };

export async function runSuites(suites: readonly NamedSuite[], o: RunOptions): Promise<SuiteOutcome[]> {
  const outcomes: SuiteOutcome[] = [];
  for (const { name, suite } of suites) {
    o.log(`[${name}] ${suite.description}`);
    const started = performance.now();
    const loadBefore = os.loadavg()[0]!;
    try {
      const figures = await suite.run({ log: (m) => o.log(`[${name}] ${m}`), scale: o.scale });
      const file = await writeResults(o.resultsDir, name, figures, o.resultsSuffix);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const load = `load average ${loadBefore.toFixed(2)} -> ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`;
      const pinning = takePinningNotes();
      o.out(`${formatTable(name, figures)}\n(${seconds} s, ${load}, written to ${file})\n${pinning.length ? `pinning: ${pinning.join('; ')}\n` : ''}`);
      outcomes.push({ name, figures, file });
    } catch (error) {
      takePinningNotes();
      o.out(`== ${name}\nFAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      outcomes.push({ name, error });
    }
  }
  return outcomes;
}
