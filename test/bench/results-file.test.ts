// The harness writes bench/results/<suite>.json: one object per figure, the fields a reader relies on.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { figure } from '../../bench/support/figures';
import { runSuites } from '../../bench/support/runner';
import { defineSuite } from '../../bench/support/suite';

describe('bench results file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bench-results-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a JSON array with one object per figure and prints a table', async () => {
    // Prepare
    const suite = defineSuite({
      description: 'fixed figures',
      run: async () => [
        figure({ name: 'latency', value: 121, baseline: 100, unit: 'us', goals: [{ on: 'ratio', op: '<=', limit: 1.1 }] }),
        figure({ name: 'round trips', value: 3, baseline: 3, unit: 'round trips', goals: [{ on: 'value', op: '==', limit: 3 }, { on: 'baseline', op: '==', limit: 3 }] }),
        figure({ name: 'heap growth', value: 0.25, baseline: 0.1, unit: 'MB', ratioFloor: 1, goals: [{ on: 'value', op: '<=', limit: 5 }] }),
        figure({ name: 'info only', value: 7, unit: 'us' }),
      ],
    });
    const out: string[] = [];

    // Act
    const outcomes = await runSuites([{ name: 'fixed', suite }], { resultsDir: dir, scale: 1, out: (t) => out.push(t), log: () => undefined });

    // Assess
    expect(outcomes).toHaveLength(1);
    const written = JSON.parse(await readFile(path.join(dir, 'fixed.json'), 'utf8')) as unknown;
    expect(written).toEqual([
      { name: 'latency', value: 121, baseline: 100, ratio: 1.21, unit: 'us', goal: 'ratio <= 1.10', met: false, interval: null, control: null },
      {
        name: 'round trips',
        value: 3,
        baseline: 3,
        ratio: 1,
        unit: 'round trips',
        goal: 'value == 3 and baseline == 3',
        met: true,
        interval: null,
        control: null,
      },
      { name: 'heap growth', value: 0.25, baseline: 0.1, ratio: null, unit: 'MB', goal: 'value <= 5', met: true, interval: null, control: null },
      { name: 'info only', value: 7, baseline: null, ratio: null, unit: 'us', goal: null, met: null, interval: null, control: null },
    ]);
    const table = out.join('\n');
    expect(table).toContain('== fixed');
    expect(table).toMatch(/latency\s+121\.0\s+100\.0\s+1\.210\s+-\s+-\s+us\s+ratio <= 1\.10\s+MISSED/);
  });

  it('reports a failing suite and still writes the results of the next one', async () => {
    // Prepare
    const broken = defineSuite({ description: 'throws', run: async () => Promise.reject(new Error('server went away')) });
    const fine = defineSuite({ description: 'one figure', run: async () => [figure({ name: 'x', value: 1, baseline: 2, unit: 'us' })] });
    const out: string[] = [];

    // Act
    const outcomes = await runSuites(
      [
        { name: 'broken', suite: broken },
        { name: 'fine', suite: fine },
      ],
      { resultsDir: dir, scale: 1, out: (t) => out.push(t), log: () => undefined },
    );

    // Assess
    expect(outcomes.map((o) => ('error' in o ? `${o.name}: failed` : `${o.name}: ok`))).toEqual(['broken: failed', 'fine: ok']);
    await expect(stat(path.join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(JSON.parse(await readFile(path.join(dir, 'fine.json'), 'utf8'))).toEqual([
      { name: 'x', value: 1, baseline: 2, ratio: 0.5, unit: 'us', goal: null, met: null, interval: null, control: null },
    ]);
    expect(out.join('\n')).toContain('FAILED: Error: server went away');
  });
});
