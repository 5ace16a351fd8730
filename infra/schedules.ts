// The scheduled jobs: EventBridge Scheduler (CronV2), cron expressions in UTC from the table.
import { pascalCase, schedules } from '../lib/app/functions';
import { functionArgs } from './database';

export const jobs = schedules.map(
  (job) =>
    new sst.aws.CronV2(`${pascalCase(job.name)}Job`, {
      function: functionArgs(job),
      schedule: job.cron,
      // A failed run is not retried by the scheduler: the next run picks the work up.
      retries: 0,
    }),
);
