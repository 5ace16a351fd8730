// Suite "metrics": what every invocation's EMF line (lib/lambda/invocation-metrics.ts) adds to a session read on
// loopback PostgreSQL: the session summary handed over (SessionOptions.onSummary) and one Powertools Metrics line
// built and written. Goal: <= 5% of a session read's median latency. The raw driver's read is the reference.
// The line goes to /dev/null with a synchronous write, as Node writes to Lambda's stdout pipe.
import type { SessionSummary } from '../lib/db';
import { publishInvocationMetrics } from '../lib/lambda/invocation-metrics';
import { adminQuery, createTestDatabase } from '../test/support/postgres';
import { compareInRounds, standardComparison } from './db/open';
import { CREATE_TABLE, rawRead } from './drivers/workload';
import { devNullMetrics } from './metrics/sink';
import { figure } from './support/figures';
import { scaled } from './support/measure';
import { summarize } from './support/stats';
import { defineSuite } from './support/suite';

const NAME = 'GET /bench';

export default defineSuite({
  description: 'per-invocation EMF metrics line: added latency and CPU on a session read',
  async run(ctx) {
    const tdb = await createTestDatabase('bench_metrics');
    const sink = devNullMetrics();
    try {
      await adminQuery(CREATE_TABLE, [], tdb.name);
      const o = standardComparison(ctx.scale);
      ctx.log(`metrics: ${o.iterations} calls per variant in ${o.rounds} rounds of interleaved blocks`);
      const samples = await compareInRounds(
        tdb,
        ctx,
        ({ db, pool }) => [
          { name: 'raw', run: rawRead(pool) },
          { name: 'session', run: () => db.session((s) => s.query('SELECT 1')) },
          {
            name: 'session+metrics',
            run: async () => {
              let summary: SessionSummary | undefined;
              await db.session((s) => s.query('SELECT 1'), { name: NAME, onSummary: (s) => (summary = s) });
              publishInvocationMetrics(NAME, summary, {}, sink.metrics);
            },
          },
        ],
        o,
      );
      const raw = summarize(samples.raw!.latencyUs);
      const session = summarize(samples.session!.latencyUs);
      const withMetrics = summarize(samples['session+metrics']!.latencyUs);

      // The line alone, many times over: its cost without the round trip's noise around it. Each iteration yields
      // once, so the stream's deferred work (process.nextTick after each write) is counted as in an invocation.
      const summary: SessionSummary = { session: 1, name: NAME, outcome: 'ok', errorCode: undefined, durationMs: 0.4, queries: 1, transactions: 0, rollbacks: 0, retries: 0, dbTimeMs: 0.3, acquireWaitMs: 0.01, leaks: 0, connectionLosses: 0, timeouts: {} };
      const n = scaled(20_000, ctx.scale, 100);
      const line = async (count: number) => {
        for (let i = 0; i < count; i++) {
          publishInvocationMetrics(NAME, summary, {}, sink.metrics);
          await undefined;
        }
      };
      await line(Math.min(n, 1_000));
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await line(n);
      const cpu = process.cpuUsage(cpu0);
      const perLineUs = ((performance.now() - t0) * 1000) / n;
      const perLineCpuUs = (cpu.user + cpu.system) / n;
      ctx.log(`metrics: ${sink.lines()} lines written, ${Math.round(sink.bytes() / sink.lines())} bytes each`);

      return [
        figure({ name: 'session read + metrics line: median latency', value: withMetrics.median, baseline: session.median, unit: 'us', goals: [{ on: 'ratio', op: '<=', limit: 1.05 }] }),
        figure({ name: 'session read + metrics line: added median latency', value: withMetrics.median - session.median, unit: 'us' }),
        figure({ name: 'session read + metrics line: p95 latency', value: withMetrics.p95, baseline: session.p95, unit: 'us' }),
        figure({ name: 'session read + metrics line: client CPU per call', value: samples['session+metrics']!.cpuUsPerCall, baseline: samples.session!.cpuUsPerCall, unit: 'us' }),
        figure({ name: 'session read + metrics line vs raw pg read: median latency', value: withMetrics.median, baseline: raw.median, unit: 'us' }),
        figure({ name: 'one metrics line alone (build, serialize, write): time per line', value: perLineUs, unit: 'us' }),
        // This process's CPU: what the line costs the invocation, whatever the neighbours do to the wall clock.
        figure({ name: 'one metrics line alone: CPU per line', value: perLineCpuUs, unit: 'us' }),
        figure({ name: 'one metrics line: bytes', value: sink.bytes() / sink.lines(), unit: 'bytes' }),
      ];
    } finally {
      sink.close();
      await tdb.drop();
    }
  },
});
