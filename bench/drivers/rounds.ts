// Latency of the two sides of a target, read and write, over several rounds: each round opens both sides afresh
// (under load one server backend or socket can be luckier with the scheduler for a whole round), and within a
// round the variants alternate in blocks (bench/support/measure.ts), so drift lands on both alike.
import { interleaved, mergeRounds, scaled, type VariantSamples } from '../support/measure';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import type { DriverTarget, Pair, TargetEnv } from './target';

const ROUNDS = 5;
/** Blocks per variant per round: short enough in time that a neighbour's burst spans both variants. */
const BLOCKS_PER_ROUND = 8;

export type PairSamples = { raw: VariantSamples; layer: VariantSamples };

export async function latencyInRounds(env: TargetEnv, t: DriverTarget, ctx: SuiteContext): Promise<{ read: PairSamples; write: PairSamples }> {
  const read = plan(t.calls.read, ctx.scale);
  const write = plan(t.calls.write, ctx.scale);
  ctx.log(`${t.name}: ${read.iterations * ROUNDS} reads and ${write.iterations * ROUNDS} writes per side in ${ROUNDS} rounds of interleaved blocks`);
  const reads: Record<string, VariantSamples>[] = [];
  const writes: Record<string, VariantSamples>[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const sides = await env.open();
    try {
      reads.push(await interleaved(variants(sides.read), read));
      writes.push(await interleaved(variants(sides.write), write));
    } finally {
      await sides.close();
    }
    ctx.log(`  ${t.name} round ${r}/${ROUNDS}: median ratio read ${medianRatio(reads.at(-1)!)}, ${t.writeName} ${medianRatio(writes.at(-1)!)}`);
  }
  return { read: asPair(mergeRounds(reads)), write: asPair(mergeRounds(writes)) };
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

function asPair(s: Record<string, VariantSamples>): PairSamples {
  return { raw: s.raw!, layer: s.layer! };
}

function medianRatio(s: Record<string, VariantSamples>): string {
  return (summarize(s.layer!.latencyUs).median / summarize(s.raw!.latencyUs).median).toFixed(3);
}
