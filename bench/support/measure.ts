// Latency of several variants alternating per operation: call i of every variant runs back to back (the order
// rotating with i), so drift (a neighbour's burst, CPU frequency, a growing table) lands on all of them alike and
// sample i of each variant was taken at the same moment (bootstrap.ts pairs them).

export type Variant = { name: string; run: () => Promise<unknown> };

export type InterleaveOptions = {
  /** Measured calls per variant. */
  iterations: number;
  /** Unmeasured calls per variant first (JIT, connections, caches), alternating the same way. */
  warmup: number;
  /** Runs after the warm-up, before measuring: connections are open then, so their backends can be pinned. */
  prepare?: () => Promise<void>;
};

export type VariantSamples = {
  /** Per-call wall-clock latency, microseconds, in operation order. */
  latencyUs: Float64Array;
  /** This process's CPU time (user + system) per call, microseconds: the client's own cost, whatever the server does. */
  cpuUsPerCall: number;
};

/** Runs every variant sequentially (one call in flight) and returns its per-call latencies and CPU cost. */
export async function interleaved(variants: readonly Variant[], o: InterleaveOptions): Promise<Record<string, VariantSamples>> {
  const n = variants.length;
  for (let i = 0; i < o.warmup; i++) {
    for (let k = 0; k < n; k++) await variants[(i + k) % n]!.run();
  }
  await o.prepare?.();
  const latency = variants.map(() => new Float64Array(o.iterations));
  const cpu = variants.map(() => 0);
  for (let i = 0; i < o.iterations; i++) {
    for (let k = 0; k < n; k++) {
      const at = (i + k) % n;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await variants[at]!.run();
      latency[at]![i] = (performance.now() - t0) * 1000;
      const used = process.cpuUsage(cpu0);
      cpu[at]! += used.user + used.system;
    }
  }
  return Object.fromEntries(variants.map((v, at) => [v.name, { latencyUs: latency[at]!, cpuUsPerCall: cpu[at]! / o.iterations }]));
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
