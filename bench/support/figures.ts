// One benchmark figure: a value measured through our code next to the raw driver's, and the goal it answers.

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
  /** Whether the goal was met in this run; null when there is no goal. */
  met: boolean | null;
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
};

export function figure(f: FigureInput): Figure {
  const baseline = f.baseline ?? null;
  const ratio = baseline === null || Math.abs(baseline) < (f.ratioFloor ?? Number.MIN_VALUE) ? null : f.value / baseline;
  const goals = f.goals ?? [];
  // Judged on the rounded numbers, so the JSON a reader sees agrees with `met`.
  const shown = { value: round(f.value), baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio) };
  return {
    name: f.name,
    ...shown,
    unit: f.unit,
    goal: goals.length === 0 ? null : goals.map(describe).join(' and '),
    met: goals.length === 0 ? null : goals.every((g) => meets(shown[g.on], g)),
  };
}

function meets(x: number | null, g: Goal): boolean {
  if (x === null) return false;
  switch (g.op) {
    case '<=': return x <= g.limit;
    case '>=': return x >= g.limit;
    case '==': return x === g.limit;
  }
}

function describe(g: Goal): string {
  return `${g.on} ${g.op} ${g.on === 'ratio' ? g.limit.toFixed(2) : g.limit}`;
}

/** Four decimals: enough for ratios and microseconds, short in JSON. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
