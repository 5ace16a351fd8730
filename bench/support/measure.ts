// Latency of several variants measured in interleaved blocks: drift (a neighbour's load, CPU frequency, a
// growing table) lands on every variant alike instead of on whichever loop ran last.

export type Variant = { name: string; run: () => Promise<unknown> };

export type InterleaveOptions = {
  /** Measured iterations per variant. */
  iterations: number;
  /** Iterations per block; blocks of the variants alternate, the starting variant rotating every round. */
  block: number;
  /** Unmeasured iterations per variant first (JIT, connections, caches). */
  warmup: number;
};

export type VariantSamples = {
  /** Per-call wall-clock latency, microseconds. */
  latencyUs: Float64Array;
  /** This process's CPU time (user + system) per call, microseconds: the client's own cost, whatever the server does. */
  cpuUsPerCall: number;
};

/** Runs every variant sequentially (one call in flight) and returns its per-call latencies and CPU cost. */
export async function interleaved(variants: readonly Variant[], o: InterleaveOptions): Promise<Record<string, VariantSamples>> {
  for (let done = 0; done < o.warmup; done += o.block) {
    for (const v of variants) await repeat(v, Math.min(o.block, o.warmup - done));
  }
  const samples = Object.fromEntries(variants.map((v) => [v.name, new Float64Array(o.iterations)]));
  const filled = new Map(variants.map((v) => [v.name, 0]));
  const cpu = new Map(variants.map((v) => [v.name, 0]));
  for (let round = 0, done = 0; done < o.iterations; round++, done += o.block) {
    const n = Math.min(o.block, o.iterations - done);
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length]!;
      const out = samples[v.name]!;
      let at = filled.get(v.name)!;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await v.run();
        out[at++] = (performance.now() - t0) * 1000;
      }
      const used = process.cpuUsage(cpu0);
      cpu.set(v.name, cpu.get(v.name)! + used.user + used.system);
      filled.set(v.name, at);
    }
  }
  return Object.fromEntries(variants.map((v) => [v.name, { latencyUs: samples[v.name]!, cpuUsPerCall: cpu.get(v.name)! / o.iterations }]));
}

async function repeat(v: Variant, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await v.run();
}

/** Iteration counts scaled for quick runs (BENCH_SCALE), never below `min`. */
export function scaled(count: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(count * scale));
}

/** Joins the samples of several rounds variant by variant (CPU per call averaged over the rounds). */
export function mergeRounds(rounds: readonly Record<string, VariantSamples>[]): Record<string, VariantSamples> {
  const names = Object.keys(rounds[0] ?? {});
  return Object.fromEntries(
    names.map((name) => {
      const parts = rounds.map((r) => r[name]!);
      const latencyUs = new Float64Array(parts.reduce((n, p) => n + p.latencyUs.length, 0));
      let at = 0;
      for (const p of parts) {
        latencyUs.set(p.latencyUs, at);
        at += p.latencyUs.length;
      }
      const cpuUsPerCall = parts.reduce((sum, p) => sum + p.cpuUsPerCall * p.latencyUs.length, 0) / latencyUs.length;
      return [name, { latencyUs, cpuUsPerCall }];
    }),
  );
}
