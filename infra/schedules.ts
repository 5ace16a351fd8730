// The scheduled jobs: EventBridge Scheduler (CronV2), cron expressions in UTC from the table.
// A failed run is not retried (the next run picks the work up): it goes to the FailedJobRuns queue, whether the
// scheduler could not invoke the function (the schedule's dead-letter queue) or the function failed (its
// asynchronous on-failure destination: the scheduler invokes Lambda asynchronously). infra/monitoring.ts alarms
// on the queue. In `sst dev` the schedules are off unless DEV_SCHEDULES=on: they would invoke the laptop.
import { pascalCase, schedules } from '../lib/app/functions';
import { functionArgs } from './database';

/** Events of failed runs, kept 14 days (the longest SQS allows) for the operator to read (docs/OPERATIONS.md). */
export const failedRuns = new sst.aws.Queue('FailedJobRuns', {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
});

export const schedulesEnabled = !$dev || process.env.DEV_SCHEDULES === 'on';

/** Each job of the table with its Lambda function (infra/monitoring.ts alarms on each). */
export const jobs = schedules.map((job) => {
  const cron = new sst.aws.CronV2(`${pascalCase(job.name)}Job`, {
    function: functionArgs(job, { failuresTo: failedRuns.arn }),
    schedule: job.cron,
    enabled: schedulesEnabled,
    retries: 0,
    dlq: failedRuns.arn,
  });
  return { spec: job, cron, function: cron.nodes.function };
});
