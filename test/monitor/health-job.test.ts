// The scheduled job: runs the check (policy from HEALTH_POLICY, default off), logs the report as one structured
// line with the invocation's correlation id, and publishes the metrics as EMF in the names infra alarms on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEALTH_METRICS, METRICS_NAMESPACE } from '../../lib/app/metrics';
import { schedules } from '../../lib/app/functions';
import { createDatabase, type Database } from '../../lib/db';
import { logger } from '../../lib/lambda';
import { healthJob } from '../../functions/jobs/health';
import { lambdaContext } from '../../dev/server/lambda-context';
import { scheduledEvent } from '../../dev/server/scheduled-event';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';

type Line = Record<string, any>;
const spec = schedules.find((s) => s.name === 'health')!;

/** Runs the job and returns what it wrote (Powertools: EMF and INFO to stdout, WARN to stderr), as JSON lines. */
async function runJob(job: ReturnType<typeof healthJob>) {
  const out: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    out.push(chunk.toString());
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  const context = lambdaContext(spec);
  try {
    const result = await job(scheduledEvent('health'), context);
    const lines = out.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
    return { result, lines, context };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

const emf = (lines: Line[]) => lines.filter((l) => l._aws?.CloudWatchMetrics);
const metricNames = (line: Line) => (line._aws.CloudWatchMetrics[0].Metrics as { Name: string }[]).map((m) => m.Name).sort();

describe('health job (scheduled)', () => {
  let tdb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_job');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    logger.setLogLevel('INFO');
  });

  afterAll(async () => {
    logger.setLogLevel('WARN');
    await db?.close();
    await tdb?.drop();
  });

  it('logs one report line and publishes every health metric', async () => {
    // Act
    const { result, lines, context } = await runJob(healthJob(() => db, {}));
    // Assess: one structured report line, correlated with the invocation
    const reports = lines.filter((l) => l.message === 'health report');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'INFO', correlationId: context.awsRequestId, report: { status: result.status, policy: { mode: 'off' } } });
    expect(result).toEqual({ status: 'ok', reasons: [] });
    // ... and one EMF document with the alarm's names, namespace and dimension set
    const [doc, ...rest] = emf(lines);
    expect(rest).toHaveLength(0);
    expect(doc!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [['service']] });
    const expected = Object.values(HEALTH_METRICS).filter((n) => n !== HEALTH_METRICS.TimeoutsByKind).sort();
    expect(metricNames(doc!)).toEqual(expected);
    expect(doc![HEALTH_METRICS.HealthStatus]).toBe(0);
    expect(doc![HEALTH_METRICS.ConnectionsUsed]).toBe(reports[0]!.report.connections.used);
    expect(doc![HEALTH_METRICS.ConnectionsUsedRatio]).toBe(reports[0]!.report.connections.usedRatio);
  });

  it('emits TimeoutsByKind with its kind dimension for timeouts since the last check', async () => {
    // Prepare: one timeout in this container (a transaction outliving its limit)
    const timedOut = db.session((s) => s.transaction((tx) => tx.query('SELECT pg_sleep(2)'), { timeoutMs: 50 }));
    await expect(timedOut).rejects.toMatchObject({ kind: expect.stringMatching(/^(statement|transaction)$/) });
    // Act
    const { lines } = await runJob(healthJob(() => db, {}));
    // Assess
    const byKind = emf(lines).filter((l) => metricNames(l).includes(HEALTH_METRICS.TimeoutsByKind));
    expect(byKind).toHaveLength(1);
    expect(byKind[0]!._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'kind']]);
    expect(byKind[0]!.kind).toMatch(/^(statement|transaction)$/);
    // The value is the layer's count since the previous check (the layer may count one unit's timeout per guard).
    const since = lines.find((l) => l.message === 'health report')!.report.sinceLastCheck.timeouts;
    expect(byKind[0]![HEALTH_METRICS.TimeoutsByKind]).toBe(since[byKind[0]!.kind]);
    expect(since[byKind[0]!.kind]).toBeGreaterThanOrEqual(1);
  });

  it('takes its policy from HEALTH_POLICY', async () => {
    // Act
    const { lines } = await runJob(healthJob(() => db, { HEALTH_POLICY: 'dry-run', HEALTH_CANCEL_AFTER_MS: '30000' }));
    // Assess
    const report = lines.find((l) => l.message === 'health report')!.report;
    expect(report.policy).toMatchObject({ mode: 'dry-run', cancelAfterMs: 30000 });
  });

  it('reports an unreachable database as failing (HealthStatus 2) without throwing', async () => {
    // Prepare
    const down = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/gone', logger: captureLogger() });
    // Act
    const { result, lines } = await runJob(healthJob(() => down, {}));
    await down.close();
    // Assess
    expect(result).toEqual({ status: 'failing', reasons: ['database_unreachable'] });
    expect(lines.find((l) => l.message === 'health report')!.level).toBe('WARN');
    const [doc] = emf(lines);
    expect(doc![HEALTH_METRICS.HealthStatus]).toBe(2);
    // Not measured, so not emitted: a missing point rather than a reassuring zero.
    expect(metricNames(doc!)).toEqual([HEALTH_METRICS.HealthStatus, HEALTH_METRICS.Leaks, HEALTH_METRICS.PoolAcquireWaitMs].sort());
  });
});
