// One Powertools Logger per container; each invocation appends its correlation keys.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { DbLogger } from '../db';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gaia-validator' });

/** A DbLogger view of the Powertools logger (so lib/db lines carry the invocation's keys). */
export const dbLogger: DbLogger = {
  debug: (m, f) => logger.debug(m, f ?? {}),
  info: (m, f) => logger.info(m, f ?? {}),
  warn: (m, f) => logger.warn(m, f ?? {}),
  error: (m, f) => logger.error(m, f ?? {}),
};

/** Sets the invocation's keys: Lambda context plus the API Gateway request id as correlation id. */
export function beginInvocation(context: Context, correlationId: string | undefined): void {
  logger.resetKeys();
  logger.addContext(context);
  logger.appendKeys({ correlationId: correlationId ?? context.awsRequestId });
}
