// What the answers of a scenario say: counts by status and error code, latency, the untyped and the late ones.
import { percentile } from '../../../bench/support/stats';
import type { Outcome } from './load';
import type { TimerLag } from './timer-lag';

export type OutcomeSummary = {
  requests: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  /** 500s, answers without a typed code (503 UNAVAILABLE, 504 TIMEOUT), a handler that threw. */
  untyped5xx: number;
  /** 4xx to requests that are all valid: the suite or the API is wrong. */
  unexpected4xx: number;
  /** Answered after the invocation's remaining time (Lambda would have killed it). */
  pastDeadline: number;
  /** Of those, answered later than the deadline plus the process's own timer lag at the time: a real hang. */
  overDeadline: number;
  /** The largest delay of this process's timers while the scenario ran (host load, not the layer). */
  maxTimerLagMs: number;
  /** The slowest answers past their deadline (at most 10), for a diagnosis. */
  late: { i: number; status: number; code: string | undefined; ms: number }[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Acknowledged requests per second over the span of the load. */
  throughputPerS: number;
};

const TYPED: Record<number, string> = { 503: 'UNAVAILABLE', 504: 'TIMEOUT' };

export const isAck = (o: Outcome) => o.status >= 200 && o.status < 300;

export function summarizeOutcomes(outcomes: readonly Outcome[], lag?: TimerLag): OutcomeSummary {
  const byStatus: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  let untyped5xx = 0;
  let unexpected4xx = 0;
  let overDeadline = 0;
  let pastDeadline = 0;
  const ms = Float64Array.from(outcomes, (o) => o.endedAt - o.startedAt).sort();
  for (const o of outcomes) {
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    if (o.code) byCode[o.code] = (byCode[o.code] ?? 0) + 1;
    if (o.status === 0 || (o.status >= 500 && TYPED[o.status] !== o.code)) untyped5xx++;
    if (o.status >= 400 && o.status < 500) unexpected4xx++;
    const late = o.endedAt - o.startedAt - o.limitMs;
    if (late > 0) pastDeadline++;
    if (late > (o.timerLagMs ?? lag?.maxBetween(o.startedAt, o.endedAt) ?? 0)) overDeadline++;
  }
  const span = outcomes.length ? Math.max(...outcomes.map((o) => o.endedAt)) - Math.min(...outcomes.map((o) => o.startedAt)) : 0;
  return {
    requests: outcomes.length,
    byStatus,
    byCode,
    untyped5xx,
    unexpected4xx,
    pastDeadline,
    overDeadline,
    maxTimerLagMs: round(Math.max(lag?.max() ?? 0, ...outcomes.map((o) => o.timerLagMs ?? 0))),
    late: outcomes
      .filter((o) => o.endedAt - o.startedAt > o.limitMs)
      .sort((a, b) => b.endedAt - b.startedAt - (a.endedAt - a.startedAt))
      .slice(0, 10)
      .map((o) => ({ i: o.i, status: o.status, code: o.code, ms: round(o.endedAt - o.startedAt) })),
    p50Ms: ms.length ? round(percentile(ms, 0.5)) : 0,
    p99Ms: ms.length ? round(percentile(ms, 0.99)) : 0,
    maxMs: ms.length ? round(ms[ms.length - 1]!) : 0,
    throughputPerS: span > 0 ? round((outcomes.filter(isAck).length * 1000) / span) : 0,
  };
}

/** From the first failed request's start to the last failed request's answer (null: no failure). */
export function failureWindowMs(outcomes: readonly Outcome[]): number | null {
  const failed = outcomes.filter((o) => !isAck(o));
  if (failed.length === 0) return null;
  return round(Math.max(...failed.map((o) => o.endedAt)) - Math.min(...failed.map((o) => o.startedAt)));
}

/** From `backAt` (the server back, the partition healed) to the first acknowledged answer after it. */
export function recoveryMs(outcomes: readonly Outcome[], backAt: number): number | null {
  const after = outcomes.filter((o) => isAck(o) && o.endedAt >= backAt).map((o) => o.endedAt);
  return after.length ? round(Math.min(...after) - backAt) : null;
}

export function round(x: number): number {
  return Math.round(x * 10) / 10;
}
