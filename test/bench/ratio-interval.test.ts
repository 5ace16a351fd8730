// Timing ratios come with a 95% bootstrap interval and the run's A/A control; a ratio goal is met only when the
// interval's bound meets it, so one lucky median cannot pass a goal.
import { describe, expect, it } from 'vitest';
import { ratioOfMedians } from '../../bench/support/bootstrap';
import { figure } from '../../bench/support/figures';
import { interleaved } from '../../bench/support/measure';

/** Deterministic samples around `center` (a fixed spread, no randomness). */
function samples(center: number, n = 400): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => center + ((i * 37) % 21) - 10);
}

describe('ratio of medians', () => {
  it('is the ratio of the medians, inside its own interval', () => {
    // Act
    const est = ratioOfMedians(samples(110), samples(100));

    // Assess
    expect(est.ratio).toBeCloseTo(1.1, 5);
    expect(est.interval[0]).toBeLessThanOrEqual(est.ratio);
    expect(est.interval[1]).toBeGreaterThanOrEqual(est.ratio);
    expect(est.interval[1] - est.interval[0]).toBeLessThan(0.05);
  });

  it('gives an A/A interval around 1 for two identical clients', () => {
    const est = ratioOfMedians(samples(100), samples(100));
    expect(est.interval[0]).toBeLessThanOrEqual(1);
    expect(est.interval[1]).toBeGreaterThanOrEqual(1);
  });

  it('widens with fewer, more spread samples', () => {
    const few = ratioOfMedians(Float64Array.from([90, 130, 100, 120]), Float64Array.from([100, 95, 140, 80]));
    const many = ratioOfMedians(samples(110), samples(100));
    expect(few.interval[1] - few.interval[0]).toBeGreaterThan(many.interval[1] - many.interval[0]);
  });
});

describe('figure with an interval', () => {
  it('judges a <= goal on the upper bound, not on the ratio', () => {
    // Act: a ratio within the goal whose interval reaches past it, and one whose whole interval is within
    const uncertain = figure({ name: 'a', value: 105, baseline: 100, unit: 'us', goals: [{ on: 'ratio', op: '<=', limit: 1.1 }], interval: [1.0, 1.2] });
    const certain = figure({ name: 'b', value: 105, baseline: 100, unit: 'us', goals: [{ on: 'ratio', op: '<=', limit: 1.1 }], interval: [1.02, 1.08] });

    // Assess
    expect(uncertain).toMatchObject({ ratio: 1.05, met: false, goal: 'ratio 95% upper bound <= 1.10', interval: [1, 1.2] });
    expect(certain).toMatchObject({ met: true });
  });

  it('carries the A/A control of its run', () => {
    const f = figure({ name: 'c', value: 1, baseline: 1, unit: 'us', interval: [0.9, 1.1], control: { ratio: 1.01, interval: [0.98, 1.04] } });
    expect(f.control).toEqual({ ratio: 1.01, interval: [0.98, 1.04] });
  });
});

describe('interleaved', () => {
  it('alternates the variants per call, rotating which goes first', async () => {
    // Prepare
    const order: string[] = [];
    const variant = (name: string) => ({ name, run: async () => void order.push(name) });

    // Act
    const out = await interleaved([variant('a'), variant('b'), variant('c')], { iterations: 3, warmup: 0 });

    // Assess
    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(Object.values(out).map((s) => s.latencyUs.length)).toEqual([3, 3, 3]);
  });

  it('runs the preparation after the warm-up and before the first measured call', async () => {
    const events: string[] = [];
    await interleaved([{ name: 'a', run: async () => void events.push('call') }], { iterations: 1, warmup: 2, prepare: async () => void events.push('prepare') });
    expect(events).toEqual(['call', 'call', 'prepare', 'call']);
  });
});
