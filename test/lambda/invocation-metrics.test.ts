// Every invocation publishes one EMF line with its session's figures, under { service, function } and { service }:
// route and job handlers (withSession, scheduledJob, httpRoute), refused requests (zeros), failures (by kind), and
// the heartbeat of a successful scheduled run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INVOCATION_METRICS as M, METRICS_NAMESPACE, TIMEOUT_METRICS } from '../../lib/app/metrics';
import { routeKeyOf, routes, schedules } from '../../lib/app/functions';
import { httpRoute, ok } from '../../lib/api';
import { StatementTimeoutError } from '../../lib/db';
import { scheduledJob, withSession } from '../../lib/lambda';
import { createValidatorDatabase, type ValidatorDatabase } from '../../lib/validator';
import { lambdaContext } from '../../dev/server/lambda-context';
import { scheduledEvent } from '../../dev/server/scheduled-event';
import { invoke } from '../support/apigw';
import { captureOutput, dimensionSets, emfOf, enableMetricsOutput, metricNames, type Line } from '../support/emf';
import { pgHarness, quietLogger, type Harness } from '../validator/fixtures';

enableMetricsOutput();
const job = schedules.find((s) => s.name === 'geo')!;
/** In every line; the counters of what went wrong only when non-zero. */
const ALWAYS = [M.DbTimeMs, M.RoundTrips, M.PoolAcquireWaitMs];

/** The invocation lines among the output (EMF documents with the function dimension). */
const invocationLines = (lines: Line[]) => emfOf(lines).filter((d) => 'function' in d);

describe('invocation metrics', () => {
  let h: Harness;
  let db: ValidatorDatabase;

  beforeAll(async () => {
    h = await pgHarness('inv_metrics');
    db = h.db;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('withSession: one line per invocation with the session figures, for one function and for the fleet', async () => {
    // Prepare
    const handler = withSession(db, async (_e: unknown, _c, s) => {
      await s.query('SELECT 1');
      return s.transaction((tx) => tx.query('SELECT 2'));
    }, { name: 'GET /probe' });
    // Act
    const { lines, error } = await captureOutput(() => handler({}, lambdaContext(job)));
    // Assess
    expect(error).toBeUndefined();
    const docs = invocationLines(lines);
    expect(docs).toHaveLength(1);
    const line = docs[0]!;
    expect(line._aws.CloudWatchMetrics[0].Namespace).toBe(METRICS_NAMESPACE);
    expect(dimensionSets(line)).toEqual([['service', 'function'], ['service']]);
    expect(line.function).toBe('GET /probe');
    expect(metricNames(line)).toEqual([...ALWAYS].sort());
    // SELECT 1, then BEGIN + SELECT 2 + COMMIT; the schema read of the container's first invocation makes 5
    expect(line[M.RoundTrips]).toBe(5);
    expect(line[M.DbTimeMs]).toBeGreaterThan(0);
    // The session summary line and the metrics agree.
    const summary = lines.find((l) => l.message === 'session summary');
    if (summary) expect(summary.queries).toBe(line[M.RoundTrips]);
  });

  it('withSession: a failed session carries its error outcome and its timeouts by kind', async () => {
    // Prepare: a database whose statements may take 100 ms
    const quick = createValidatorDatabase({ url: h.tdb!.url, logger: quietLogger, statementTimeoutMs: 100, lockTimeoutMs: 50, env: {} });
    const handler = withSession(quick, (_e: unknown, _c, s) => s.query('SELECT pg_sleep(2)'), { name: 'GET /slow' });
    try {
      // Act
      const { lines, error } = await captureOutput(() => handler({}, lambdaContext(job)));
      // Assess
      expect(error).toBeInstanceOf(StatementTimeoutError);
      const [line] = invocationLines(lines);
      expect(line).toMatchObject({
        function: 'GET /slow',
        [M.SessionErrors]: 1,
        [M.Timeouts]: 1,
        [TIMEOUT_METRICS.statement]: 1,
      });
      expect(metricNames(line!)).toEqual([...ALWAYS, M.SessionErrors, M.Timeouts, TIMEOUT_METRICS.statement].sort());
    } finally {
      await quick.close();
    }
  });

  it('withSession: a leak is in the line of the invocation that left it', async () => {
    // Prepare
    let forgotten: Promise<unknown> | undefined;
    const handler = withSession(db, async (_e: unknown, _c, s) => {
      forgotten = s.query('SELECT pg_sleep(0.05)').catch((e: unknown) => e);
    }, { name: 'GET /forgetful' });
    // Act
    const { lines } = await captureOutput(() => handler({}, lambdaContext(job)));
    await forgotten;
    // Assess
    expect(invocationLines(lines)[0]).toMatchObject({ [M.Leaks]: 1 });
    expect(metricNames(invocationLines(lines)[0]!)).toEqual([...ALWAYS, M.Leaks].sort());
  });

  it('scheduledJob: a successful run writes its heartbeat; a failed run does not, and throws', async () => {
    // Prepare
    let fail = false;
    const handler = scheduledJob('geo', db, async (s) => {
      if (fail) throw new Error('step failed');
      return (await s.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n;
    });
    // Act
    const good = await captureOutput(() => handler(scheduledEvent('geo'), lambdaContext(job)));
    fail = true;
    const bad = await captureOutput(() => handler(scheduledEvent('geo'), lambdaContext(job)));
    // Assess
    expect(good.result).toBe(1);
    expect(invocationLines(good.lines)[0]).toMatchObject({ function: 'job geo', [M.JobSucceeded]: 1 });
    expect(metricNames(invocationLines(good.lines)[0]!)).not.toContain(M.SessionErrors);
    expect(bad.error).toMatchObject({ message: 'step failed' });
    const failed = invocationLines(bad.lines)[0]!;
    expect(failed).toMatchObject({ function: 'job geo', [M.SessionErrors]: 1 });
    expect(metricNames(failed)).not.toContain(M.JobSucceeded);
  });

  it('httpRoute: a request refused before its session still publishes one line, with zero database figures', async () => {
    // Prepare: an admin route of the table with a body schema; the body is refused (422) before any session
    const route = routes.find((r) => r.method === 'PUT' && r.admin)!;
    const key = routeKeyOf(route);
    const handler = httpRoute({ route: key, db, body: z.strictObject({ n: z.number() }) }, async () => ok({}));
    const token = 'invocation-metrics-admin-token';
    const saved = process.env.ADMIN_TOKEN;
    process.env.ADMIN_TOKEN = token;
    // Act
    const { result, lines } = await captureOutput(() => invoke(handler, key, { json: { n: 'x' }, token })).finally(() => {
      if (saved === undefined) delete process.env.ADMIN_TOKEN;
      else process.env.ADMIN_TOKEN = saved;
    });
    // Assess
    expect(result!.status).toBe(422);
    const docs = invocationLines(lines);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ function: key, [M.RoundTrips]: 0, [M.DbTimeMs]: 0, [M.PoolAcquireWaitMs]: 0 });
    expect(metricNames(docs[0]!)).toEqual([...ALWAYS].sort());
  });

  it('httpRoute: a served request publishes exactly one line (the session\'s)', async () => {
    // Prepare
    const route = routes.find((r) => r.method === 'GET' && r.path === '/miners')!;
    const key = routeKeyOf(route);
    const handler = httpRoute({ route: key, db }, async ({ session }) => ok((await session.query('SELECT 1 AS one')).rows));
    // Act
    const { result, lines } = await captureOutput(() => invoke(handler, key));
    // Assess
    expect(result!.status).toBe(200);
    const docs = invocationLines(lines);
    expect(docs).toHaveLength(1);
    expect(docs[0]![M.RoundTrips]).toBeGreaterThanOrEqual(1);
  });
});
