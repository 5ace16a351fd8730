// The goals of the chaos suite, judged per scenario and printed as met/missed with a one-line verdict.
export type Check = { goal: string; value: number | null; op: '==' | '<=' | '>='; limit: number; met: boolean };

export function check(goal: string, value: number | null, op: Check['op'], limit: number): Check {
  const met = value !== null && (op === '==' ? value === limit : op === '<=' ? value <= limit : value >= limit);
  return { goal, value, op, limit, met };
}

export type ScenarioResult = {
  scenario: string;
  description: string;
  /** `full` (npm run chaos) or `short` (.ci/run). */
  mode: string;
  settings: Record<string, unknown>;
  figures: Record<string, unknown>;
  goals: Check[];
  met: boolean;
  verdict: string;
};

export function result(r: Omit<ScenarioResult, 'met' | 'verdict'> & { summary: string }): ScenarioResult {
  const missed = r.goals.filter((g) => !g.met);
  const met = missed.length === 0;
  const verdict = `${met ? 'MET   ' : 'MISSED'} ${r.scenario}: ${r.summary}${met ? '' : `; missed: ${missed.map(describe).join(', ')}`}`;
  const { summary: _summary, ...rest } = r;
  return { ...rest, met, verdict };
}

export function describe(c: Check): string {
  return `${c.goal} (${c.value ?? 'none'}, goal ${c.op} ${c.limit})`;
}
