export { withSession, type SessionHandler, type WithSessionOptions } from './with-session';
export { deadlineOf, marginFromEnv, DEFAULT_MARGIN_MS } from './deadline';
export { logger, dbLogger, beginInvocation } from './logger';
export { metrics, publishHealthMetrics, timeoutsByKind } from './metrics';
