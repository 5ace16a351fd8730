// EventBridge (daily): finishes deregistration purges and deletes rows past retention, 1000 per transaction.
import { dbLogger, scheduledJob } from '../../lib/lambda';
import { runCleanupStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase({ logger: dbLogger });

export const handler = scheduledJob('cleanup', db, (session, { now }) => runCleanupStep(session, { now }));
