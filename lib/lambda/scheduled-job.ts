// A scheduled step as a Lambda handler: the job's row of the table names it, one session runs it, and a successful
// run writes the job's heartbeat (JobSucceeded) in its metrics line; a failed run throws, so Lambda records the
// error and sends the event to the failed-runs queue (infra/schedules.ts).
import type { Context, ScheduledEvent } from 'aws-lambda';
import { jobFunctionName, scheduleOf, type ScheduleSpec } from '../app/functions';
import type { Database, Session } from '../db';
import { logger } from './logger';
import { withSession } from './with-session';

export type ScheduledStep<R, S extends Record<string, unknown>> = (session: Session<S>, context: { now: Date; event: ScheduledEvent; lambda: Context }) => Promise<R>;

export function scheduledJob<R, S extends Record<string, unknown>>(
  name: ScheduleSpec['name'],
  db: Database<S> | (() => Database<S>),
  step: ScheduledStep<R, S>,
): (event: ScheduledEvent, context: Context) => Promise<R> {
  const spec = scheduleOf(name);
  return withSession(
    db,
    async (event: ScheduledEvent, lambda, session) => {
      const summary = await step(session, { now: new Date(), event, lambda });
      logger.info(`${spec.name} step`, { summary });
      return summary;
    },
    { name: jobFunctionName(spec), heartbeat: true },
  );
}
