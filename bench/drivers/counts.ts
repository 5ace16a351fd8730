// What one call costs in the target's counted units (round trips, HTTP requests, API calls), per side, on warm
// connections: the counter's growth over a run of calls, divided by the calls.
import { scaled } from '../support/measure';
import type { SuiteContext } from '../support/suite';
import type { Call, TargetEnv } from './target';

const WARMUP = 5;

export type PerCall = { layer: number; raw: number };

export async function countPerCall(env: TargetEnv, ctx: SuiteContext): Promise<{ read: PerCall; write: PerCall }> {
  const calls = scaled(100, ctx.scale, 10);
  const counted = await env.counted();
  const per = async (run: Call) => {
    for (let i = 0; i < WARMUP; i++) await run();
    const before = counted.count();
    for (let i = 0; i < calls; i++) await run();
    return (counted.count() - before) / calls;
  };
  try {
    const { read, write } = counted.sides;
    return {
      read: { layer: await per(read.layer), raw: await per(read.raw) },
      write: { layer: await per(write.layer), raw: await per(write.raw) },
    };
  } finally {
    await counted.close();
  }
}
