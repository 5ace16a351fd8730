// Alarms and a dashboard. Every function publishes its sessions' figures (EMF, lib/app/metrics.ts INVOCATION_METRICS)
// under { service } (the fleet: the alarms) and { service, function } (the dashboard); the health job adds the
// database's facts (HEALTH_METRICS). AWS's own metrics cover the rest: Lambda errors, throttles and duration per
// function, the API's 5XX rate, the failed-runs queue. Every alarm notifies the `Alarms` topic (ALARM_EMAIL at deploy
// time subscribes an address); docs/OPERATIONS.md has a section per alarm. In `sst dev` no alarm is created: the
// functions run on a laptop, and the schedules are off.
import { functionNameOf, jobFunctionName, logicalNameOf, migrationFunction, pascalCase, type AnyFunctionSpec } from '../lib/app/functions';
import {
  ALARM_THRESHOLDS,
  HEALTH_METRICS,
  INVOCATION_METRICS,
  METRICS_NAMESPACE,
  METRIC_DIMENSIONS,
  TIMEOUT_METRICS,
  cronPeriodSeconds,
  serviceNameFor,
} from '../lib/app/metrics';
import { api, routeFunctions } from './api';
import { migrator } from './migrations';
import { failedRuns, jobs } from './schedules';

const service = serviceNameFor($app.stage);
const fleet = { [METRIC_DIMENSIONS.service]: service };
/** The health job runs every 5 minutes: one period, one check. */
const PERIOD_SECONDS = 300;

export const alarmTopic = new sst.aws.SnsTopic('Alarms');

if (process.env.ALARM_EMAIL) {
  new aws.sns.TopicSubscription('AlarmsEmail', {
    topic: alarmTopic.arn,
    protocol: 'email',
    endpoint: process.env.ALARM_EMAIL,
  });
}

type Statistic = 'Maximum' | 'Sum' | 'Average';
type Comparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';

type AlarmSpec = {
  namespace: string;
  metric: string;
  dimensions: Record<string, $util.Input<string>>;
  /** A statistic, or a percentile (`p99`). */
  statistic: Statistic | `p${number}`;
  threshold: number;
  comparison?: Comparison;
  period?: number;
  /** Consecutive periods that must breach. */
  periods: number;
  /** What no data means: a job or check not reporting is itself a failure for some. */
  missing: 'breaching' | 'notBreaching';
  description: string;
};

const common = (description: string) => ({
  alarmDescription: `${$app.name} ${$app.stage}: ${description} (docs/OPERATIONS.md)`,
  alarmActions: [alarmTopic.arn],
  okActions: [alarmTopic.arn],
});

function alarm(name: string, spec: AlarmSpec): aws.cloudwatch.MetricAlarm {
  const percentile = spec.statistic.startsWith('p');
  return new aws.cloudwatch.MetricAlarm(name, {
    namespace: spec.namespace,
    metricName: spec.metric,
    dimensions: spec.dimensions,
    ...(percentile ? { extendedStatistic: spec.statistic } : { statistic: spec.statistic }),
    period: spec.period ?? PERIOD_SECONDS,
    evaluationPeriods: spec.periods,
    datapointsToAlarm: spec.periods,
    comparisonOperator: spec.comparison ?? 'GreaterThanOrEqualToThreshold',
    threshold: spec.threshold,
    treatMissingData: spec.missing,
    ...common(spec.description),
  });
}

/** Every function with its table row and its Lambda name. */
const functions: { spec: AnyFunctionSpec; logical: string; lambdaName: $util.Output<string> }[] = [
  ...routeFunctions.map((r) => ({ spec: r.spec, logical: logicalNameOf(r.spec), lambdaName: r.function.name })),
  ...jobs.map((j) => ({ spec: j.spec, logical: `${pascalCase(j.spec.name)}Job`, lambdaName: j.function.name })),
  { spec: migrationFunction, logical: 'Migrate', lambdaName: migrator.name },
];

/** The database, fleet-wide: health job facts, and every function's sessions. */
function databaseAlarms() {
  return [
    alarm('HealthFailingAlarm', {
      namespace: METRICS_NAMESPACE,
      metric: HEALTH_METRICS.HealthStatus,
      dimensions: fleet,
      statistic: 'Maximum',
      threshold: ALARM_THRESHOLDS.healthStatusFailing,
      periods: 2,
      missing: 'breaching',
      description: 'database health check failing (or not reporting) for 10 minutes',
    }),
    alarm('IdleInTransactionAlarm', {
      namespace: METRICS_NAMESPACE,
      metric: HEALTH_METRICS.IdleInTransaction,
      dimensions: fleet,
      statistic: 'Maximum',
      threshold: ALARM_THRESHOLDS.idleInTransaction,
      periods: 3,
      missing: 'notBreaching',
      description: 'sessions idle in transaction for 15 minutes',
    }),
    alarm('ConnectionsNearMaxAlarm', {
      namespace: METRICS_NAMESPACE,
      metric: HEALTH_METRICS.ConnectionsUsedRatio,
      dimensions: fleet,
      statistic: 'Maximum',
      threshold: ALARM_THRESHOLDS.connectionsUsedRatio,
      periods: 2,
      missing: 'notBreaching',
      description: `server connections at or above ${ALARM_THRESHOLDS.connectionsUsedRatio * 100}% of max_connections`,
    }),
    alarm('ConnectionLeaksAlarm', {
      namespace: METRICS_NAMESPACE,
      metric: INVOCATION_METRICS.Leaks,
      dimensions: fleet,
      statistic: 'Sum',
      threshold: ALARM_THRESHOLDS.leaks,
      periods: 1,
      missing: 'notBreaching',
      description: 'a function left a transaction or statement behind (detected and repaired)',
    }),
  ];
}

/** Per function: Lambda errors, throttles, and duration p99 near its timeout (AWS/Lambda, by FunctionName). */
function functionAlarms() {
  return functions.flatMap(({ spec, logical, lambdaName }) => {
    const dimensions = { FunctionName: lambdaName };
    const lambda = { namespace: 'AWS/Lambda', dimensions, periods: 1, missing: 'notBreaching' as const };
    const name = functionNameOf(spec);
    const limitMs = Math.round(spec.timeoutSeconds * 1000 * ALARM_THRESHOLDS.durationOfTimeout);
    return [
      alarm(`${logical}ErrorsAlarm`, { ...lambda, metric: 'Errors', statistic: 'Sum', threshold: ALARM_THRESHOLDS.lambdaErrors, description: `${name}: Lambda errors (unhandled exception, timeout or crash)` }),
      alarm(`${logical}ThrottlesAlarm`, { ...lambda, metric: 'Throttles', statistic: 'Sum', threshold: ALARM_THRESHOLDS.lambdaThrottles, description: `${name}: invocations throttled` }),
      alarm(`${logical}DurationAlarm`, {
        ...lambda,
        metric: 'Duration',
        statistic: 'p99',
        comparison: 'GreaterThanThreshold',
        threshold: limitMs,
        description: `${name}: duration p99 above ${ALARM_THRESHOLDS.durationOfTimeout * 100}% of its ${spec.timeoutSeconds} s timeout`,
      }),
    ];
  });
}

/** The API's 5XX rate: 5XX responses per request (percent) in a period with enough requests to mean something. */
function apiAlarm() {
  const dimensions = { ApiId: api.nodes.api.id };
  const metric = (id: string, name: string) => ({ id, returnData: false, metric: { namespace: 'AWS/ApiGateway', metricName: name, dimensions, period: PERIOD_SECONDS, stat: 'Sum' } });
  return new aws.cloudwatch.MetricAlarm('Api5xxRateAlarm', {
    metricQueries: [
      metric('errors', '5xx'),
      metric('requests', 'Count'),
      {
        id: 'rate',
        label: '5XX responses (% of requests)',
        returnData: true,
        expression: `IF(requests >= ${ALARM_THRESHOLDS.apiMinRequests}, 100 * errors / requests, 0)`,
      },
    ],
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    threshold: ALARM_THRESHOLDS.api5xxPercent,
    treatMissingData: 'notBreaching',
    ...common(`API 5XX responses at or above ${ALARM_THRESHOLDS.api5xxPercent}% of requests (at least ${ALARM_THRESHOLDS.apiMinRequests} in 5 minutes)`),
  });
}

/** Scheduled runs: any failed run (the queue), and each job's heartbeat missing for two of its periods. */
function jobAlarms() {
  const failed = alarm('FailedJobRunsAlarm', {
    namespace: 'AWS/SQS',
    metric: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: failedRuns.nodes.queue.name },
    statistic: 'Maximum',
    threshold: ALARM_THRESHOLDS.failedRuns,
    periods: 1,
    missing: 'notBreaching',
    description: 'a scheduled run failed (its event is in the FailedJobRuns queue)',
  });
  const heartbeats = jobs.map(({ spec }) => {
    const period = cronPeriodSeconds(spec.cron);
    return alarm(`${pascalCase(spec.name)}JobHeartbeatAlarm`, {
      namespace: METRICS_NAMESPACE,
      metric: INVOCATION_METRICS.JobSucceeded,
      dimensions: { ...fleet, [METRIC_DIMENSIONS.function]: jobFunctionName(spec) },
      statistic: 'Sum',
      comparison: 'LessThanThreshold',
      threshold: 1,
      period,
      periods: ALARM_THRESHOLDS.jobMissedPeriods,
      // No heartbeat at all is exactly what this alarm is for.
      missing: 'breaching',
      description: `job ${spec.name} has not succeeded for ${ALARM_THRESHOLDS.jobMissedPeriods} of its periods (${period / 60} min each)`,
    });
  });
  return [failed, ...heartbeats];
}

export const alarms: aws.cloudwatch.MetricAlarm[] = $dev ? [] : [...databaseAlarms(), ...functionAlarms(), apiAlarm(), ...jobAlarms()];

// ---------------------------------------------------------------------------------------------
// Dashboard

const region = aws.getRegionOutput().region;

type Stat = 'Maximum' | 'Average' | 'Sum' | 'p99';
/** A fleet-wide series of one of our metrics. */
function series(metric: string, stat: Stat, label = `${metric} ${stat}`) {
  return [METRICS_NAMESPACE, metric, METRIC_DIMENSIONS.service, service, { stat, label }];
}

/** One series per function of one of our metrics ({ service, function }). */
function perFunction(metric: string, stat: Stat, id: string) {
  const search = `SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSIONS.function},${METRIC_DIMENSIONS.service}} MetricName="${metric}" ${METRIC_DIMENSIONS.service}="${service}"', '${stat}', ${PERIOD_SECONDS})`;
  return [{ expression: search, id, label: '' }];
}

/** One series per Lambda function of the app (AWS/Lambda, by FunctionName). */
function perLambda(metric: string, stat: Stat) {
  return functions.map((f) => ['AWS/Lambda', metric, 'FunctionName', f.lambdaName, { stat, label: f.logical }]);
}

function graph(x: number, y: number, title: string, metrics: unknown[], threshold?: number) {
  return {
    type: 'metric',
    x,
    y,
    width: 8,
    height: 6,
    properties: {
      title,
      region,
      view: 'timeSeries',
      period: PERIOD_SECONDS,
      metrics,
      ...(threshold === undefined ? {} : { annotations: { horizontal: [{ value: threshold, label: 'alarm' }] } }),
    },
  };
}

const H = HEALTH_METRICS;
const I = INVOCATION_METRICS;

export const dashboard = new aws.cloudwatch.Dashboard('Dashboard', {
  dashboardName: `${$app.name}-${$app.stage}`,
  dashboardBody: $jsonStringify({
    widgets: [
      // The database (health job)
      graph(0, 0, 'Health status (2 = failing)', [series(H.HealthStatus, 'Maximum')], ALARM_THRESHOLDS.healthStatusFailing),
      graph(8, 0, 'Round trip (ms)', [series(H.RoundTripMs, 'Average'), series(H.RoundTripMs, 'Maximum')]),
      graph(16, 0, 'Connections used / max', [series(H.ConnectionsUsedRatio, 'Maximum')], ALARM_THRESHOLDS.connectionsUsedRatio),
      graph(0, 6, 'Sessions', [series(H.IdleInTransaction, 'Maximum'), series(H.LongRunning, 'Maximum'), series(H.BlockedSessions, 'Maximum')]),
      graph(8, 6, 'Oldest transaction age (s)', [series(H.OldestTransactionAgeSeconds, 'Maximum')]),
      graph(16, 6, 'Server connections', [series(H.ConnectionsUsed, 'Maximum'), series(H.ConnectionsMax, 'Maximum')]),
      // Every function's sessions, fleet-wide
      graph(0, 12, 'Leaks (all functions)', [series(I.Leaks, 'Sum')], ALARM_THRESHOLDS.leaks),
      graph(8, 12, 'Timeouts by kind (all functions)', Object.values(TIMEOUT_METRICS).map((m) => series(m, 'Sum', m.replace('Timeouts', '')))),
      graph(16, 12, 'Pool acquire wait (ms, all functions)', [series(I.PoolAcquireWaitMs, 'Average'), series(I.PoolAcquireWaitMs, 'Maximum')]),
      graph(0, 18, 'Connection losses, retries, session errors', [series(I.ConnectionLosses, 'Sum'), series(I.Retries, 'Sum'), series(I.SessionErrors, 'Sum')]),
      // Per function
      graph(8, 18, 'Database time per invocation (ms)', [perFunction(I.DbTimeMs, 'Average', 'dbtime')]),
      graph(16, 18, 'Round trips per invocation', [perFunction(I.RoundTrips, 'Average', 'roundtrips')]),
      graph(0, 24, 'Job heartbeats (successful runs)', [perFunction(I.JobSucceeded, 'Sum', 'heartbeats')]),
      graph(8, 24, 'Lambda errors', perLambda('Errors', 'Sum'), ALARM_THRESHOLDS.lambdaErrors),
      graph(16, 24, 'Lambda duration p99 (ms)', perLambda('Duration', 'p99')),
      {
        type: 'alarm',
        x: 0,
        y: 30,
        width: 24,
        height: 6,
        properties: { title: 'Alarms', alarms: alarms.map((a) => a.arn) },
      },
    ],
  }),
});
