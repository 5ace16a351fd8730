// Repetitions on a fresh state: before every run the seeded state is restored (not timed); in each
// repetition every variant runs once, the starting variant rotating, so drift (a neighbour's load, a
// checkpoint) lands on all of them alike instead of on whichever ran last.
import os from 'node:os';
import type { FreshState } from './fresh-state';

export type FreshVariant<R> = { name: string; run: () => Promise<R> };
export type TimedRun<R> = { ms: number; result: R };

export type FreshRunOptions = {
  repetitions: number;
  fresh: FreshState;
  /** Progress line per repetition, with the load average (timings on a busy machine mislead). */
  log: (message: string) => void;
  label: string;
};

export async function freshRuns<R>(variants: readonly FreshVariant<R>[], o: FreshRunOptions): Promise<Record<string, TimedRun<R>[]>> {
  const runs: Record<string, TimedRun<R>[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let rep = 0; rep < o.repetitions; rep++) {
    const line: string[] = [];
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(rep + k) % variants.length]!;
      await o.fresh.restore();
      const t0 = performance.now();
      const result = await v.run();
      const ms = performance.now() - t0;
      runs[v.name]!.push({ ms, result });
      line.push(`${v.name} ${ms.toFixed(1)} ms`);
    }
    o.log(`  ${o.label} ${rep + 1}/${o.repetitions}: ${line.join(', ')} (load ${os.loadavg()[0]!.toFixed(2)})`);
  }
  return runs;
}
