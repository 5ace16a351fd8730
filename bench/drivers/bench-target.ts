// One driver target end to end: its own database (dropped after), latency of both sides, counted traffic, figures.
import { adminQuery, createTestDatabase } from '../../test/support/postgres';
import { aaControl, controlFigure, medianFigure } from '../support/compare';
import { figure, type Figure } from '../support/figures';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import { countPerCall } from './counts';
import { latencyInRounds, medianOfRounds, type PairSamples, type WriteSamples } from './rounds';
import type { DriverTarget } from './target';
import { CREATE_TABLE } from './workload';

const LATENCY_GOAL = [{ on: 'ratio', op: '<=', limit: 1.1 }] as const;

export async function benchTarget(t: DriverTarget, ctx: SuiteContext): Promise<Figure[]> {
  const started = performance.now();
  const tdb = await createTestDatabase(`bench_${t.name.replace(/-/g, '_')}`);
  try {
    // Commits do not wait for the disk: the comparison is about the client side's cost, which an fsync would hide.
    await adminQuery(`ALTER DATABASE ${tdb.name} SET synchronous_commit = off`);
    await adminQuery(CREATE_TABLE, [], tdb.name);
    const env = await t.setup(tdb);
    try {
      const latency = await latencyInRounds(env, t, tdb.name, ctx);
      const counts = await countPerCall(env, ctx);
      const cost = t.writeCost;
      const goals = cost.expected
        ? [
            { on: 'value', op: '==', limit: cost.expected.layer },
            { on: 'baseline', op: '==', limit: cost.expected.raw },
          ] as const
        : undefined;
      return [
        ...latencyFigures(`${t.name}: session read`, latency.read, t.inProcessPeer),
        figure({ name: `${t.name}: session read: ${cost.unit}`, value: counts.read.layer, baseline: counts.read.raw, unit: cost.unit }),
        ...latencyFigures(`${t.name}: ${t.writeName}`, latency.write, t.inProcessPeer),
        ...transportShare(t, latency.write),
        figure({ name: `${t.name}: ${t.writeName}: ${cost.label}`, value: counts.write.layer, baseline: counts.write.raw, unit: cost.unit, goals }),
      ];
    } finally {
      await env.close();
    }
  } finally {
    await tdb.drop();
    ctx.log(`${t.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

function latencyFigures(name: string, s: PairSamples, inProcessPeer: boolean): Figure[] {
  const raw = summarize(s.raw.latencyUs);
  const layer = summarize(s.layer.latencyUs);
  const control = aaControl(s.raw, s.rawB);
  return [
    medianFigure({ name: `${name}: median latency`, value: s.layer, baseline: s.raw, control, goals: LATENCY_GOAL }),
    controlFigure(name, s.raw, s.rawB, control),
    figure({ name: `${name}: median of the ${s.roundRatios.length} rounds' median latency ratios`, value: medianOfRounds(s.roundRatios), unit: 'ratio' }),
    figure({ name: `${name}: p95 latency`, value: layer.p95, baseline: raw.p95, unit: 'us' }),
    // The overhead in absolute terms: the ratio shrinks as the transport's own round trip grows.
    figure({ name: `${name}: added median latency`, value: layer.median - raw.median, unit: 'us' }),
    figure({
      name: `${name}: ${inProcessPeer ? 'process CPU per call (client + in-process peer)' : 'client CPU per call'}`,
      value: s.layer.cpuUsPerCall,
      baseline: s.raw.cpuUsPerCall,
      unit: 'us',
    }),
  ];
}

/**
 * Where the write's extra latency goes: the raw client also sending what the layer adds (the transport's share),
 * and the layer against that (the share of the layer's own client-side code).
 */
function transportShare(t: DriverTarget, s: WriteSamples): Figure[] {
  const control = aaControl(s.raw, s.rawB);
  const name = `${t.name}: ${t.writeName}`;
  return [
    medianFigure({ name: `${name}: raw client also sending ${t.layerExtra}: median latency`, value: s.rawSameWork, baseline: s.raw, control }),
    medianFigure({ name: `${name}: layer vs raw client sending the same: median latency`, value: s.layer, baseline: s.rawSameWork, control }),
  ];
}
