// One benchmark figure: a value measured through our code next to the raw driver's, and the goal it answers.
// A timing ratio comes with its 95% bootstrap interval and the A/A control (two raw clients measured the same way in
// the same run): a ratio is only as good as the control is close to 1, and a goal is met when the interval meets it.
import type { Interval, RatioEstimate } from './bootstrap';

export type Figure = {
  name: string;
  value: number;
  /** The same measurement on the raw driver in the same run; null when there is no raw counterpart. */
  baseline: number | null;
  /** value / baseline; null without a baseline or when the baseline is within its noise floor (see `ratioFloor`). */
  ratio: number | null;
  unit: string;
  /** Readable goal, e.g. "ratio <= 1.10" or "value == 3 and baseline == 3"; null for informational figures. */
  goal: string | null;
  /** Whether the goal was met in this run; null when there is no goal. A ratio goal with an interval is judged on
   * the interval's bound (the upper one for <=), not on the ratio itself. */
  met: boolean | null;
  /** 95% bootstrap interval of the ratio; null when not estimated (counts, sizes, single runs). */
  interval: Interval | null;
  /** The A/A control of the same run: a second raw client against the first, measured the same way. */
  control: RatioEstimate | null;
};

export type Goal = { on: 'ratio' | 'value' | 'baseline'; op: '<=' | '>=' | '=='; limit: number };

export type FigureInput = {
  name: string;
  value: number;
  baseline?: number | null;
  unit: string;
  goals?: readonly Goal[];
  /** |baseline| below this makes the ratio meaningless (e.g. heap growth of ~0 MB): ratio is null. */
  ratioFloor?: number;
  /** The ratio's 95% interval (bootstrap.ts). */
  interval?: Interval;
  control?: RatioEstimate;
};

export function figure(f: FigureInput): Figure {
  const baseline = f.baseline ?? null;
  const ratio = baseline === null || Math.abs(baseline) < (f.ratioFloor ?? Number.MIN_VALUE) ? null : f.value / baseline;
  const goals = f.goals ?? [];
  // Judged on the rounded numbers, so the JSON a reader sees agrees with `met`.
  const shown = { value: round(f.value), baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio) };
  const interval = f.interval && ratio !== null ? roundPair(f.interval) : null;
  const judged = (g: Goal) => (g.on === 'ratio' && interval && g.op !== '==' ? interval[g.op === '<=' ? 1 : 0] : shown[g.on]);
  return {
    name: f.name,
    ...shown,
    unit: f.unit,
    goal: goals.length === 0 ? null : goals.map((g) => describe(g, interval !== null)).join(' and '),
    met: goals.length === 0 ? null : goals.every((g) => meets(judged(g), g)),
    interval,
    control: f.control ? { ratio: round(f.control.ratio), interval: roundPair(f.control.interval) } : null,
  };
}

function roundPair([low, high]: Interval): Interval {
  return [round(low), round(high)];
}

function meets(x: number | null, g: Goal): boolean {
  if (x === null) return false;
  switch (g.op) {
    case '<=': return x <= g.limit;
    case '>=': return x >= g.limit;
    case '==': return x === g.limit;
  }
}

function describe(g: Goal, interval: boolean): string {
  const on = g.on === 'ratio' && interval && g.op !== '==' ? `ratio 95% ${g.op === '<=' ? 'upper' : 'lower'} bound` : g.on;
  return `${on} ${g.op} ${g.on === 'ratio' ? g.limit.toFixed(2) : g.limit}`;
}

/** Four decimals: enough for ratios and microseconds, short in JSON. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
