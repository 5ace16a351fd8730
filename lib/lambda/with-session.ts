// Wraps a handler so that each invocation runs in one database session bounded by the Lambda's remaining time.
// The returned function has the plain Lambda signature; the wrapped one also receives the session.
import type { Context } from 'aws-lambda';
import type { Database, Session } from '../db';
import { deadlineOf, marginFromEnv } from './deadline';
import { beginInvocation, dbLogger } from './logger';

export type SessionHandler<E, R, S extends Record<string, unknown>> = (event: E, context: Context, session: Session<S>) => Promise<R>;

export type WithSessionOptions = {
  /** Name in logs (route or job). */
  name: string;
  /** Milliseconds kept back from the remaining time (default LAMBDA_DEADLINE_MARGIN_MS or 1000). */
  marginMs?: number;
  /** Correlation id from the event (API Gateway request id). */
  correlationId?: (event: never) => string | undefined;
};

export function withSession<E, R, S extends Record<string, unknown>>(
  db: Database<S> | (() => Database<S>),
  handler: SessionHandler<E, R, S>,
  options: WithSessionOptions,
): (event: E, context: Context) => Promise<R> {
  const margin = options.marginMs ?? marginFromEnv();
  return (event, context) => {
    beginInvocation(context, options.correlationId?.(event as never));
    const database = typeof db === 'function' ? db() : db;
    return database.session((session) => handler(event, context, session), {
      deadline: deadlineOf(context, margin),
      name: options.name,
      logger: dbLogger,
    });
  };
}
