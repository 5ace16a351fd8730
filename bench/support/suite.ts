// What a benchmark suite is: one file directly in bench/ whose default export is `defineSuite({...})`.
import type { Figure } from './figures';

export type SuiteContext = {
  /** Progress lines (stderr), so stdout keeps only the tables. */
  log(message: string): void;
  /** Multiplies iteration counts (BENCH_SCALE; 1 = the counts the goals are stated for). */
  scale: number;
};

export type Suite = {
  description: string;
  /** Measures, cleans up after itself (its own database, dropped), and returns its figures. */
  run(ctx: SuiteContext): Promise<Figure[]>;
};

export function defineSuite(suite: Suite): Suite {
  return suite;
}

export function isSuite(x: unknown): x is Suite {
  const s = x as Partial<Suite> | null;
  return typeof s === 'object' && s !== null && typeof s.run === 'function' && typeof s.description === 'string';
}
