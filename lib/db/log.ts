// The logger the layer writes to: Powertools Logger by default, any object of the same shape otherwise.
import { Logger } from '@aws-lambda-powertools/logger';

export type LogFields = Record<string, unknown>;

export interface DbLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** JSON lines via Powertools; level from POWERTOOLS_LOG_LEVEL (or LOG_LEVEL), as in Lambda. */
export function defaultLogger(): DbLogger {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gaia-validator' });
  return {
    debug: (m, f) => logger.debug(m, f ?? {}),
    info: (m, f) => logger.info(m, f ?? {}),
    warn: (m, f) => logger.warn(m, f ?? {}),
    error: (m, f) => logger.error(m, f ?? {}),
  };
}
