// Where figures go: bench/results/<suite>.json (an array, one object per figure) and a readable table.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Figure } from './figures';

const SUITE_NAME = /^[a-z0-9][a-z0-9-]*$/;

const SUFFIX = /^(\.[a-z0-9.-]+)?$/;

/** Writes the suite's figures as JSON (<suite><suffix>.json, e.g. db.delay-0.5ms.json); returns the file's path. */
export async function writeResults(dir: string, suite: string, figures: readonly Figure[], suffix = ''): Promise<string> {
  if (!SUITE_NAME.test(suite)) throw new Error(`suite name must match ${SUITE_NAME}: "${suite}"`);
  if (!SUFFIX.test(suffix)) throw new Error(`results suffix must match ${SUFFIX}: "${suffix}"`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${suite}${suffix}.json`);
  await writeFile(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}

export function formatTable(suite: string, figures: readonly Figure[]): string {
  const head = ['figure', 'value', 'raw driver', 'ratio', 'ratio 95% CI', 'A/A [95% CI]', 'unit', 'goal', ''];
  const rows = figures.map((f) => [
    f.name,
    num(f.value),
    f.baseline === null ? '-' : num(f.baseline),
    f.ratio === null ? '-' : f.ratio.toFixed(3),
    f.interval ? interval(f.interval) : '-',
    f.control ? `${f.control.ratio.toFixed(3)} ${interval(f.control.interval)}` : '-',
    f.unit,
    f.goal ?? '(info)',
    f.met === null ? '' : f.met ? 'ok' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [`== ${suite}`, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function interval([low, high]: readonly [number, number]): string {
  return `[${low.toFixed(3)}, ${high.toFixed(3)}]`;
}

function num(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(2);
}
