// Latency of the two sides of a target, read and write, over several rounds: each round opens both sides afresh
// (a server backend can be luckier with the scheduler for a whole round: on loopback a read is ~40 us on one
// placement and ~120 us on another, so few rounds let one side's luck decide the median), and within a round the
// variants alternate in blocks (bench/support/measure.ts), so drift lands on all of them alike.
import { interleaved, mergeRounds, scaled, type VariantSamples } from '../support/measure';
import { median, summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import type { DriverTarget, Pair, TargetEnv } from './target';

const ROUNDS = 10;
/** Blocks per variant per round: short enough in time that a neighbour's burst spans both variants. */
const BLOCKS_PER_ROUND = 6;

/** Merged samples of all rounds, and each round's layer/raw median ratio (robust to a round where one side's
 * backend was placed unluckily, which moves the merged median). */
export type PairSamples = { raw: VariantSamples; layer: VariantSamples; roundRatios: number[] };
export type WriteSamples = PairSamples & { rawSameWork: VariantSamples };

export async function latencyInRounds(env: TargetEnv, t: DriverTarget, ctx: SuiteContext): Promise<{ read: PairSamples; write: WriteSamples }> {
  const read = plan(t.calls.read, ctx.scale);
  const write = plan(t.calls.write, ctx.scale);
  ctx.log(`${t.name}: ${read.iterations * ROUNDS} reads and ${write.iterations * ROUNDS} writes per side in ${ROUNDS} rounds of interleaved blocks`);
  const reads: Record<string, VariantSamples>[] = [];
  const writes: Record<string, VariantSamples>[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const sides = await env.open();
    try {
      reads.push(await interleaved(variants(sides.read), read));
      writes.push(await interleaved([...variants(sides.write), { name: 'rawSameWork', run: sides.write.rawSameWork }], write));
    } finally {
      await sides.close();
    }
    const w = writes.at(-1)!;
    const f = (x: number) => x.toFixed(3);
    ctx.log(`  ${t.name} round ${r}/${ROUNDS}: median ratio read ${f(medianRatio(reads.at(-1)!))}, ${t.writeName} ${f(medianRatio(w))} (raw sending the same: ${f(medianRatio(w, 'rawSameWork'))})`);
  }
  const w = mergeRounds(writes);
  return { read: asPair(mergeRounds(reads), reads), write: { ...asPair(w, writes), rawSameWork: w.rawSameWork! } };
}

/** Per round: the target's calls split over the rounds, in blocks, after a warm-up block per variant. */
function plan(calls: number, scale: number) {
  const iterations = Math.max(10, Math.round(scaled(calls, scale, 30) / ROUNDS));
  const block = Math.max(5, Math.round(iterations / BLOCKS_PER_ROUND));
  return { iterations, block, warmup: block };
}

/** The raw side first: the baseline. */
const variants = (p: Pair) => [
  { name: 'raw', run: p.raw },
  { name: 'layer', run: p.layer },
];

function asPair(merged: Record<string, VariantSamples>, rounds: readonly Record<string, VariantSamples>[]): PairSamples {
  return { raw: merged.raw!, layer: merged.layer!, roundRatios: rounds.map((r) => medianRatio(r)) };
}

function medianRatio(s: Record<string, VariantSamples>, of = 'layer'): number {
  return summarize(s[of]!.latencyUs).median / summarize(s.raw!.latencyUs).median;
}

/** The median of the rounds' ratios. */
export function medianOfRounds(ratios: readonly number[]): number {
  return median(Float64Array.from(ratios).sort());
}
