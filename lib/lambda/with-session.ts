// Wraps a handler so that each invocation runs in one database session bounded by the Lambda's remaining time.
// The returned function has the plain Lambda signature; the wrapped one also receives the session. Each
// invocation publishes its session's figures (one EMF line), and a database behind the code is refused first.
import type { Context } from 'aws-lambda';
import type { Database, Session, SessionSummary } from '../db';
import { deadlineOf, marginFromEnv } from './deadline';
import { publishInvocationMetrics } from './invocation-metrics';
import { beginInvocation, dbLogger } from './logger';
import { ensureSchema } from './schema-gate';

export type SessionHandler<E, R, S extends Record<string, unknown>> = (event: E, context: Context, session: Session<S>) => Promise<R>;

export type WithSessionOptions = {
  /** Name in logs and the `function` dimension of the metrics (route key, or `job <name>`). */
  name: string;
  /** Milliseconds kept back from the remaining time (default LAMBDA_DEADLINE_MARGIN_MS or 1000). */
  marginMs?: number;
  /** Correlation id from the event (API Gateway request id). */
  correlationId?: (event: never) => string | undefined;
  /** A scheduled job: a successful run writes its heartbeat (JobSucceeded) in the invocation's metrics line. */
  heartbeat?: boolean;
  /** false: serve whatever the schema (a handler that reports it itself, GET /health). Default true. */
  schemaGate?: boolean;
};

export function withSession<E, R, S extends Record<string, unknown>>(
  db: Database<S> | (() => Database<S>),
  handler: SessionHandler<E, R, S>,
  options: WithSessionOptions,
): (event: E, context: Context) => Promise<R> {
  const margin = options.marginMs ?? marginFromEnv();
  return async (event, context) => {
    beginInvocation(context, options.correlationId?.(event as never));
    const database = typeof db === 'function' ? db() : db;
    let summary: SessionSummary | undefined;
    let succeeded = false;
    try {
      const result = await database.session(
        async (session) => {
          if (options.schemaGate !== false) await ensureSchema(database, session);
          return handler(event, context, session);
        },
        { deadline: deadlineOf(context, margin), name: options.name, logger: dbLogger, onSummary: (s) => (summary = s) },
      );
      succeeded = true;
      return result;
    } finally {
      publishInvocationMetrics(options.name, summary, { heartbeat: options.heartbeat === true && succeeded });
    }
  };
}
