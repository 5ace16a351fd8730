// httpRoute: an API Gateway v2 handler from a route of the table (lib/app/functions.ts) and a function of the
// validated request. Order of checks, each before any database work: admin token -> body size -> (miner
// routes) Epistula signature over the raw bytes -> JSON -> schema -> (miner routes) a body `hotkey` equal to the
// signer; then one session (withSession) for the handler. Every outcome is a JSON response with the request id;
// errors are mapped in error-reply.ts.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { routeKeyOf, routes, type RouteSpec } from '../app/functions';
import type { Database, Session } from '../db';
import { beginInvocation, logger, publishInvocationMetrics, withSession } from '../lambda';
import { requireAdmin } from './admin-auth';
import { parseJsonBody, requestBody } from './body';
import { replyForError } from './error-reply';
import { checkClaimedHotkey, minerIdentity, type SignedMiner } from './identity';
import type { RouteContract } from './openapi';
import { toResult, type Reply } from './reply';
import { validate } from './validate';

type AnySchema = z.ZodType;
type Out<T> = T extends AnySchema ? z.output<T> : undefined;

export type RouteDefinition<B extends AnySchema | undefined, Q extends AnySchema | undefined, M extends boolean> = {
  /**
   * The route key of the table, e.g. 'PUT /miners': admin and miner flags and the body limit come from there.
   * (A spec object serves a route outside the table: the benchmark's replica of an older handler.)
   */
  route: string | RouteSpec;
  body?: B;
  /** Query parameters (strings). Without a schema, any query parameter is refused. */
  query?: Q;
  /**
   * The request speaks for a miner (the table's `miner` flag, repeated here for the handler's types): `miner` is
   * decided by minerIdentity from the Epistula signature before the body is parsed.
   */
  miner?: M;
  /** false: serve even when the database schema is behind the code (a handler that reports it, GET /health). */
  schemaGate?: boolean;
};

export type RouteRequest<B, Q, M extends boolean, S extends Record<string, unknown>> = {
  event: APIGatewayProxyEventV2;
  context: Context;
  session: Session<S>;
  body: Out<B>;
  query: Out<Q>;
  requestId: string;
  /** The verified signer and the request's uuid, timestamp and receive time (server clock). */
  miner: M extends true ? SignedMiner : undefined;
};

export type RouteHandler<B, Q, M extends boolean, S extends Record<string, unknown>> = (req: RouteRequest<B, Q, M, S>) => Promise<Reply>;

export type HttpHandler = ((event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>) & {
  /** What the route checks (set by httpRoute): the source of the API reference (openapi.ts). */
  contract?: RouteContract;
};

const noQuery = z.strictObject({});

/** The route of the table with this key; throws at module load for a key the table does not have. */
export function routeSpecOf(key: string): RouteSpec {
  const spec = routes.find((r) => routeKeyOf(r) === key);
  if (!spec) throw new Error(`route "${key}" is not in lib/app/functions.ts`);
  return spec;
}

export function httpRoute<S extends Record<string, unknown>, B extends AnySchema | undefined = undefined, Q extends AnySchema | undefined = undefined, M extends boolean = false>(
  definition: RouteDefinition<B, Q, M> & { db: Database<S> | (() => Database<S>) },
  handler: RouteHandler<B, Q, M, S>,
): HttpHandler {
  const spec = typeof definition.route === 'string' ? routeSpecOf(definition.route) : definition.route;
  const name = routeKeyOf(spec);
  if ((spec.miner === true) !== (definition.miner === true)) throw new Error(`route "${name}": the table and the handler disagree on whether it is a miner route`);
  // Built once per container: the session wrapper receives the request already parsed and checked.
  type Checked = Omit<RouteRequest<B, Q, M, S>, 'context' | 'session'>;
  const run = withSession(definition.db, (req: Checked, context, session: Session<S>) => handler({ ...req, context, session } as RouteRequest<B, Q, M, S>), {
    name,
    correlationId: (req: Checked) => req.requestId,
    schemaGate: definition.schemaGate,
  });

  const route: HttpHandler = async (event, context) => {
    // The server clock when the request arrived: signatures' timestamps and submission windows are judged on it.
    const receivedAt = new Date();
    const requestId = event.requestContext?.requestId || context.awsRequestId;
    beginInvocation(context, requestId);
    let reply: Reply;
    // Set once the session starts: from then on withSession publishes the invocation's metrics line.
    let sessionStarted = false;
    try {
      if (spec.admin) await requireAdmin(event);
      const bytes = requestBody(event, spec.maxBodyBytes);
      const miner = spec.miner === true ? await minerIdentity(event, bytes, receivedAt) : undefined;
      const body = definition.body ? validate(definition.body, parseJsonBody(bytes), 'body') : undefined;
      if (miner) checkClaimedHotkey(body, miner);
      const query = validate(definition.query ?? noQuery, event.queryStringParameters ?? {}, 'query');
      sessionStarted = true;
      reply = await run({ event, body, query, requestId, miner } as Checked, context);
    } catch (err) {
      const mapped = replyForError(err, requestId);
      reply = mapped.reply;
      const fields = { route: name, status: reply.status, requestId };
      if (mapped.severity === 'error') logger.error('request failed', { ...fields, error: err as Error });
      else if (mapped.severity === 'warn') logger.warn('request failed', { ...fields, error: errorSummary(err) });
      else logger.info('request refused', { ...fields, error: errorSummary(err) });
    }
    // Refused before any session: the invocation's line, with zero database figures.
    if (!sessionStarted) publishInvocationMetrics(name, undefined);
    logger.info('request', { route: name, status: reply.status, requestId });
    return toResult(reply, requestId);
  };
  route.contract = { spec, body: definition.body, query: definition.query, miner: definition.miner === true };
  return route;
}

/** Name, code and message only: expected failures do not need a stack in the logs. */
function errorSummary(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  return { name: err.name, code: (err as { code?: unknown }).code, message: err.message };
}
