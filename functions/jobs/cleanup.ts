// EventBridge (daily): finishes deregistration purges and deletes rows past retention, 1000 per transaction.
import { lambdaDatabaseOptions, scheduledJob } from '../../lib/lambda';
import { runCleanupStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase(lambdaDatabaseOptions());

export const handler = scheduledJob('cleanup', db, (session, { now }) => runCleanupStep(session, { now }));
