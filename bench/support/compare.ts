// Timing figures from interleaved samples: medians with the ratio's 95% bootstrap interval and the run's A/A control.
import { ratioOfMedians, type RatioEstimate } from './bootstrap';
import { figure, type Figure, type Goal } from './figures';
import type { VariantSamples } from './measure';
import { summarize } from './stats';

/** The A/A control: a second raw client against the first, measured the same way in the same run (ideally 1.00). */
export function aaControl(raw: VariantSamples, rawB: VariantSamples): RatioEstimate {
  return ratioOfMedians(rawB.latencyUs, raw.latencyUs);
}

export type MedianFigure = {
  name: string;
  value: VariantSamples;
  baseline: VariantSamples;
  control: RatioEstimate;
  goals?: readonly Goal[];
};

/** Median latency of `value` against `baseline` (us), with the ratio's interval and the control. */
export function medianFigure(f: MedianFigure): Figure {
  const { interval } = ratioOfMedians(f.value.latencyUs, f.baseline.latencyUs);
  return figure({
    name: f.name,
    value: summarize(f.value.latencyUs).median,
    baseline: summarize(f.baseline.latencyUs).median,
    unit: 'us',
    goals: f.goals,
    interval,
    control: f.control,
  });
}

/** The control as a figure of its own, so a table shows how far two identical clients drift apart in this run. */
export function controlFigure(name: string, raw: VariantSamples, rawB: VariantSamples, control: RatioEstimate): Figure {
  return figure({
    name: `${name}: A/A control, second raw client (value) vs first (baseline): median latency`,
    value: summarize(rawB.latencyUs).median,
    baseline: summarize(raw.latencyUs).median,
    unit: 'us',
    interval: control.interval,
  });
}
