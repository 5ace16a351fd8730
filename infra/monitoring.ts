// Alarms and a dashboard on the metrics the scheduled health job emits (EMF, lib/app/metrics.ts).
// Alarm notifications go to the `Alarms` topic; ALARM_EMAIL at deploy time subscribes an address.
import {
  ALARM_THRESHOLDS,
  HEALTH_METRICS,
  METRICS_NAMESPACE,
  METRIC_DIMENSIONS,
  serviceNameFor,
  type HealthMetricName,
} from '../lib/app/metrics';

const service = serviceNameFor($app.stage);
const dimensions = { [METRIC_DIMENSIONS.service]: service };
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

type AlarmSpec = {
  metric: HealthMetricName;
  statistic: 'Maximum' | 'Sum' | 'Average';
  threshold: number;
  /** Consecutive periods that must breach. */
  periods: number;
  /** What no data means: the health job not reporting is itself a failure for HealthStatus. */
  missing: 'breaching' | 'notBreaching';
  description: string;
};

function alarm(name: string, spec: AlarmSpec) {
  return new aws.cloudwatch.MetricAlarm(name, {
    namespace: METRICS_NAMESPACE,
    metricName: spec.metric,
    dimensions,
    statistic: spec.statistic,
    period: PERIOD_SECONDS,
    evaluationPeriods: spec.periods,
    datapointsToAlarm: spec.periods,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    threshold: spec.threshold,
    treatMissingData: spec.missing,
    alarmDescription: `${$app.name} ${$app.stage}: ${spec.description}`,
    alarmActions: [alarmTopic.arn],
    okActions: [alarmTopic.arn],
  });
}

export const alarms = [
  alarm('HealthFailingAlarm', {
    metric: HEALTH_METRICS.HealthStatus,
    statistic: 'Maximum',
    threshold: ALARM_THRESHOLDS.healthStatusFailing,
    periods: 2,
    missing: 'breaching',
    description: 'database health check failing (or not reporting) for 10 minutes',
  }),
  alarm('IdleInTransactionAlarm', {
    metric: HEALTH_METRICS.IdleInTransaction,
    statistic: 'Maximum',
    threshold: ALARM_THRESHOLDS.idleInTransaction,
    periods: 3,
    missing: 'notBreaching',
    description: 'sessions idle in transaction for 15 minutes',
  }),
  alarm('ConnectionsNearMaxAlarm', {
    metric: HEALTH_METRICS.ConnectionsUsedRatio,
    statistic: 'Maximum',
    threshold: ALARM_THRESHOLDS.connectionsUsedRatio,
    periods: 2,
    missing: 'notBreaching',
    description: `server connections at or above ${ALARM_THRESHOLDS.connectionsUsedRatio * 100}% of max_connections`,
  }),
  alarm('ConnectionLeaksAlarm', {
    metric: HEALTH_METRICS.Leaks,
    statistic: 'Sum',
    threshold: ALARM_THRESHOLDS.leaks,
    periods: 1,
    missing: 'notBreaching',
    description: 'pooled connections leaked (detected and repaired)',
  }),
];

const region = aws.getRegionOutput().region;

type Stat = 'Maximum' | 'Average' | 'Sum' | 'p99';
function series(metric: HealthMetricName, stat: Stat, label = `${metric} ${stat}`) {
  return [METRICS_NAMESPACE, metric, METRIC_DIMENSIONS.service, service, { stat, label }];
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

const timeoutsByKind = `SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSIONS.kind},${METRIC_DIMENSIONS.service}} MetricName="${HEALTH_METRICS.TimeoutsByKind}" ${METRIC_DIMENSIONS.service}="${service}"', 'Sum', ${PERIOD_SECONDS})`;

export const dashboard = new aws.cloudwatch.Dashboard('Dashboard', {
  dashboardName: `${$app.name}-${$app.stage}`,
  dashboardBody: $jsonStringify({
    widgets: [
      graph(0, 0, 'Health status (2 = failing)', [series(HEALTH_METRICS.HealthStatus, 'Maximum')], ALARM_THRESHOLDS.healthStatusFailing),
      graph(8, 0, 'Round trip (ms)', [series(HEALTH_METRICS.RoundTripMs, 'Average'), series(HEALTH_METRICS.RoundTripMs, 'Maximum')]),
      graph(16, 0, 'Connections used / max', [series(HEALTH_METRICS.ConnectionsUsedRatio, 'Maximum')], ALARM_THRESHOLDS.connectionsUsedRatio),
      graph(0, 18, 'Server connections', [
        series(HEALTH_METRICS.ConnectionsUsed, 'Maximum'),
        series(HEALTH_METRICS.ConnectionsMax, 'Maximum'),
      ]),
      graph(0, 6, 'Sessions', [
        series(HEALTH_METRICS.IdleInTransaction, 'Maximum'),
        series(HEALTH_METRICS.LongRunning, 'Maximum'),
        series(HEALTH_METRICS.BlockedSessions, 'Maximum'),
      ]),
      graph(8, 6, 'Oldest transaction age (s)', [series(HEALTH_METRICS.OldestTransactionAgeSeconds, 'Maximum')]),
      graph(16, 6, 'Pool acquire wait (ms)', [
        series(HEALTH_METRICS.PoolAcquireWaitMs, 'Average'),
        series(HEALTH_METRICS.PoolAcquireWaitMs, 'Maximum'),
      ]),
      graph(0, 12, 'Leaks', [series(HEALTH_METRICS.Leaks, 'Sum')], ALARM_THRESHOLDS.leaks),
      graph(8, 12, 'Timeouts by kind', [[{ expression: timeoutsByKind, id: 'timeouts', label: '' }]]),
      {
        type: 'alarm',
        x: 16,
        y: 12,
        width: 8,
        height: 6,
        properties: { title: 'Alarms', alarms: alarms.map((a) => a.arn) },
      },
    ],
  }),
});
