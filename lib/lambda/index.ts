export { withSession, type SessionHandler, type WithSessionOptions } from './with-session';
export { deadlineOf, marginFromEnv, DEFAULT_MARGIN_MS } from './deadline';
export { logger, dbLogger, beginInvocation } from './logger';
export { metrics, publishHealthMetrics } from './metrics';
export { publishInvocationMetrics, type InvocationOutcome } from './invocation-metrics';
export { scheduledJob, type ScheduledStep } from './scheduled-job';
export { ensureSchema } from './schema-gate';
export { linkedDatabaseSettings, lambdaDatabaseOptions } from './linked-database';
