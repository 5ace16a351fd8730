// Latency of a target's sides, read and write, over several rounds: each round opens every side afresh and pins the
// backends (and the pooler) once they are open; within a round the variants alternate per call
// (bench/support/measure.ts), so drift lands on all of them alike and the samples pair up for the bootstrap.
import { interleaved, mergeRounds, scaled, type VariantSamples } from '../support/measure';
import { pinServerSide } from '../support/pinning';
import { median, summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import type { DriverTarget, Pair, TargetEnv } from './target';

const ROUNDS = 10;

/** Merged samples of all rounds (raw, its A/A twin rawB, layer), and each round's layer/raw median ratio. */
export type PairSamples = { raw: VariantSamples; rawB: VariantSamples; layer: VariantSamples; roundRatios: number[] };
export type WriteSamples = PairSamples & { rawSameWork: VariantSamples };

export async function latencyInRounds(env: TargetEnv, t: DriverTarget, database: string, ctx: SuiteContext): Promise<{ read: PairSamples; write: WriteSamples }> {
  const read = plan(t.calls.read, ctx.scale);
  const write = plan(t.calls.write, ctx.scale);
  ctx.log(`${t.name}: ${read.iterations * ROUNDS} reads and ${write.iterations * ROUNDS} writes per side in ${ROUNDS} rounds, alternating per call`);
  const pin = () => pinServerSide(database, env.serverPids?.() ?? []);
  const reads: Record<string, VariantSamples>[] = [];
  const writes: Record<string, VariantSamples>[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const sides = await env.open();
    try {
      reads.push(await interleaved(variants(sides.read), { ...read, prepare: pin }));
      writes.push(await interleaved([...variants(sides.write), { name: 'rawSameWork', run: sides.write.rawSameWork }], { ...write, prepare: pin }));
    } finally {
      await sides.close();
    }
    const w = writes.at(-1)!;
    const f = (x: number) => x.toFixed(3);
    ctx.log(
      `  ${t.name} round ${r}/${ROUNDS}: median ratio read ${f(medianRatio(reads.at(-1)!))} (A/A ${f(medianRatio(reads.at(-1)!, 'rawB'))}), ` +
        `${t.writeName} ${f(medianRatio(w))} (A/A ${f(medianRatio(w, 'rawB'))}, raw sending the same: ${f(medianRatio(w, 'rawSameWork'))})`,
    );
  }
  const w = mergeRounds(writes);
  return { read: asPair(mergeRounds(reads), reads), write: { ...asPair(w, writes), rawSameWork: w.rawSameWork! } };
}

/** Per round: the target's calls split over the rounds, after a warm-up of a sixth of them. */
function plan(calls: number, scale: number) {
  const iterations = Math.max(10, Math.round(scaled(calls, scale, 30) / ROUNDS));
  return { iterations, warmup: Math.max(5, Math.round(iterations / 6)) };
}

/** The raw side first: the baseline. */
const variants = (p: Pair) => [
  { name: 'raw', run: p.raw },
  { name: 'rawB', run: p.rawB },
  { name: 'layer', run: p.layer },
];

function asPair(merged: Record<string, VariantSamples>, rounds: readonly Record<string, VariantSamples>[]): PairSamples {
  return { raw: merged.raw!, rawB: merged.rawB!, layer: merged.layer!, roundRatios: rounds.map((r) => medianRatio(r)) };
}

function medianRatio(s: Record<string, VariantSamples>, of = 'layer'): number {
  return summarize(s[of]!.latencyUs).median / summarize(s.raw!.latencyUs).median;
}

/** The median of the rounds' ratios. */
export function medianOfRounds(ratios: readonly number[]): number {
  return median(Float64Array.from(ratios).sort());
}
