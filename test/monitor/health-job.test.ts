// The scheduled job: runs the check (policy from HEALTH_POLICY, default off), logs the report as one structured
// line with the invocation's correlation id, and publishes the metrics as EMF in the names infra alarms on.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_METRICS, INVOCATION_METRICS, METRICS_NAMESPACE, TIMEOUT_METRICS } from '../../lib/app/metrics';
import { schedules } from '../../lib/app/functions';
import { createDatabase, type Database } from '../../lib/db';
import { logger } from '../../lib/lambda';
import { healthJob } from '../../functions/jobs/health';
import { lambdaContext } from '../../dev/server/lambda-context';
import { scheduledEvent } from '../../dev/server/scheduled-event';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { captureOutput, dimensionSets, emfOf, enableMetricsOutput, metricNames, type Line } from '../support/emf';

enableMetricsOutput();
const spec = schedules.find((s) => s.name === 'health')!;

/** Runs the job and returns what it wrote, as JSON lines. */
async function runJob(job: ReturnType<typeof healthJob>) {
  const context = lambdaContext(spec);
  const { result, error, lines } = await captureOutput(() => job(scheduledEvent('health'), context));
  if (error) throw error;
  return { result: result!, lines, context };
}

/** The job's two EMF documents: the database's facts ({ service }) and its invocation line (two dimension sets). */
function documents(lines: Line[]) {
  const docs = emfOf(lines);
  const health = docs.filter((d) => metricNames(d).includes(HEALTH_METRICS.HealthStatus));
  const invocation = docs.filter((d) => metricNames(d).includes(INVOCATION_METRICS.RoundTrips));
  expect(health.length + invocation.length).toBe(docs.length);
  return { health, invocation };
}

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
    // ... one EMF document with the alarm's names, namespace and dimension set
    const { health, invocation } = documents(lines);
    expect(health).toHaveLength(1);
    const doc = health[0]!;
    expect(doc._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [['service']] });
    expect(metricNames(doc)).toEqual(Object.values(HEALTH_METRICS).sort());
    expect(doc[HEALTH_METRICS.HealthStatus]).toBe(0);
    expect(doc[HEALTH_METRICS.ConnectionsUsed]).toBe(reports[0]!.report.connections.used);
    expect(doc[HEALTH_METRICS.ConnectionsUsedRatio]).toBe(reports[0]!.report.connections.usedRatio);
    // ... and the invocation's own line: the check's session (3 round trips) and the job's heartbeat
    expect(invocation).toHaveLength(1);
    expect(dimensionSets(invocation[0]!)).toEqual([['service', 'function'], ['service']]);
    expect(invocation[0]).toMatchObject({ function: 'job health', [INVOCATION_METRICS.RoundTrips]: reports[0]!.report.roundTrips, [INVOCATION_METRICS.JobSucceeded]: 1 });
  });

  it("counts the check's own timeouts in its invocation line, by kind", async () => {
    // Prepare: a server that accepts connections and never answers: the check's connect times out
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const mute = createDatabase({ url: `postgres://postgres@127.0.0.1:${port}/none`, connectTimeoutMs: 200, logger: captureLogger() });
    try {
      // Act
      const { result, lines } = await runJob(healthJob(() => mute, {}));
      // Assess: the check failed on the timeout; the job still reported (heartbeat) and counted the timeout by kind
      expect(result).toEqual({ status: 'failing', reasons: ['database_timeout'] });
      const [line] = documents(lines).invocation;
      expect(line).toMatchObject({
        [INVOCATION_METRICS.Timeouts]: 1,
        [TIMEOUT_METRICS.connect]: 1,
        [INVOCATION_METRICS.SessionErrors]: 1,
        [INVOCATION_METRICS.JobSucceeded]: 1,
      });
    } finally {
      await mute.close();
      silent.close();
    }
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
    const [doc] = documents(lines).health;
    expect(doc![HEALTH_METRICS.HealthStatus]).toBe(2);
    // Not measured, so not emitted: a missing point rather than a reassuring zero.
    expect(metricNames(doc!)).toEqual([HEALTH_METRICS.HealthStatus]);
  });
});
