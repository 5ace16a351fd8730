// The local server: the routes and schedules of lib/app/functions.ts, served by the same handler modules Lambda
// loads, on PGlite in a data folder (or on DATABASE_URL). The environment is settled BEFORE any handler module
// loads, because each module creates its database from the environment.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { bearerToken, tokensMatch } from '../../lib/api';
import { routeKeyOf, routes, schedules, type RouteSpec, type ScheduleSpec } from '../../lib/app/functions';
import { listen, sendJson, trackSockets } from '../peers/http-util';
import { resolveAdminToken } from './admin-token';
import { privateDataDir } from './data-dir';
import { hostAllowed } from './host-check';
import { gateway, type RouteHandler } from './gateway';
import { JobRunner, type JobHandler } from './jobs';
import { loadHandlers } from './load-handlers';
import { openSharedDatabase, servesPglite } from './database';
import { startPgliteBridge } from './pglite-bridge';
import { resolveValidatorHotkey } from './validator-key';

export type LocalServerOptions = {
  /** Project root (handler paths of the table are relative to it). */
  root: string;
  /** 0 picks a free port. */
  port: number;
  /** Data folder: PGlite lives in <dataDir>/pglite, the generated admin token in <dataDir>/admin-token. */
  dataDir: string;
  /** Run the schedules on their timers (off in tests that trigger jobs by hand). */
  timers: boolean;
  log: (line: string) => void;
};

export type LocalServer = {
  url: string;
  port: number;
  database: string;
  adminTokenSource: string;
  /** The validator hotkey miners sign for, and where it comes from. */
  validatorHotkey: string;
  validatorHotkeySource: string;
  /** The data folder was there before and others may read it (a warning for the operator). */
  dataDirWarning: string | undefined;
  routes: { key: string; handler: string; admin: boolean; miner: boolean; served: boolean }[];
  jobs: { name: string; handler: string; everyMs: number; served: boolean }[];
  close(): Promise<void>;
};

const DEV_JOBS_PREFIX = '/_dev/jobs/';
/** The longest a request may take (the largest route timeout) before shutdown cuts it. */
const SHUTDOWN_GRACE_MS = Math.max(...routes.map((r) => r.timeoutSeconds)) * 1000;

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const env = process.env;
  const dataDir = resolve(options.root, options.dataDir);
  // Created 0700 first: the admin token, the validator key and PGlite's files live in it.
  const dataDirWarning = privateDataDir(dataDir);
  // 1. Environment for the handler modules, before they load. Without DATABASE_URL, one PGlite (in the data
  //    folder) is served on loopback and every handler reaches it through DATABASE_URL like a real server:
  //    each handler module opens its own database, and two PGlite instances on one folder would diverge.
  // Locally, every leak report carries the caller's stack (in Lambda only after a container's first leak).
  env.DB_LEAK_STACKS ??= 'true';
  // Every invocation writes an EMF metrics line in Lambda; here they would bury the log (POWERTOOLS_METRICS_DISABLED=false shows them).
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const admin = resolveAdminToken(env, resolve(dataDir, 'admin-token'));
  env.ADMIN_TOKEN = admin.token;
  const validator = resolveValidatorHotkey(env, dataDir);
  env.VALIDATOR_HOTKEY = validator.hotkey;
  const bridge = servesPglite(env) ? await startPgliteBridge(env.DB_PGLITE_DATA_DIR || resolve(dataDir, 'pglite')) : undefined;
  if (bridge) {
    env.DATABASE_URL = bridge.url;
    env.DB_DRIVER = 'pg';
  }

  // 2. The database, migrated before any request is served.
  const database = await openSharedDatabase(resolve(options.root, 'drizzle'), bridge);
  let runner: JobRunner | undefined;
  try {
    // 3. The handlers of the tables.
    const api = await loadHandlers<RouteSpec, RouteHandler>(options.root, routes);
    const jobs = await loadHandlers<ScheduleSpec, JobHandler>(options.root, schedules);
    runner = new JobRunner(jobs.loaded, options.log);
    const serveRoute = gateway(api.loaded, options.log);
    const jobRunner = runner;

    const inFlight = new Set<Promise<void>>();
    let port = 0;
    const server = createServer((req, res) => {
      // A browser page whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host: refused.
      if (!hostAllowed(req.headers.host, port)) {
        sendJson(res, 403, { message: `Host "${req.headers.host ?? ''}" is not this server: use http://127.0.0.1:${port}` });
        return;
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const work = path.startsWith(DEV_JOBS_PREFIX)
        ? triggerJob(jobRunner, req, path.slice(DEV_JOBS_PREFIX.length), res, admin.token)
        : serveRoute(req, res);
      const tracked = work
        .catch((err: unknown) => {
          options.log(`request failed: ${(err as Error)?.message ?? String(err)}`);
          sendJson(res, 500, { message: 'Internal Server Error' });
        })
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    });
    const destroySockets = trackSockets(server);
    port = await listen(server, options.port);
    if (options.timers) runner.startTimers();

    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      database: database.description,
      adminTokenSource: admin.source,
      validatorHotkey: validator.hotkey,
      validatorHotkeySource: validator.source,
      dataDirWarning,
      routes: routes.map((r) => ({ key: routeKeyOf(r), handler: r.handler, admin: r.admin, miner: r.miner === true, served: !api.missing.includes(r) })),
      jobs: schedules.map((s) => ({ name: s.name, handler: s.handler, everyMs: s.localEveryMs, served: !jobs.missing.includes(s) })),
      close: () =>
        (closing ??= (async () => {
          // Stop starting work, let what runs finish (each bounded by its Lambda deadline), then close.
          const stopped = jobRunner.stop();
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          await settleWithin([...inFlight], SHUTDOWN_GRACE_MS);
          destroySockets();
          await closed;
          await stopped;
          await database.close();
        })()),
    };
  } catch (err) {
    await runner?.stop();
    await database.close();
    throw err;
  }
}

/** POST /_dev/jobs/<name>: an admin action (a job deletes rows and writes scores), so it takes the admin token. */
async function triggerJob(runner: JobRunner, req: IncomingMessage, name: string, res: ServerResponse, adminToken: string): Promise<void> {
  const given = bearerToken(req.headers.authorization);
  if (given === undefined || !tokensMatch(given, adminToken)) {
    return sendJson(res, 401, { message: 'POST /_dev/jobs/<name> needs Authorization: Bearer <admin token>' }, { 'www-authenticate': 'Bearer' });
  }
  if (!runner.has(name)) return sendJson(res, 404, { message: `no job "${name}"`, jobs: runner.names() });
  if (req.method !== 'POST') return sendJson(res, 405, { message: 'use POST' }, { allow: 'POST' });
  const run = runner.run(name);
  if (!run) return sendJson(res, 409, { message: `job "${name}" is already running` });
  const outcome = await run;
  sendJson(res, outcome.ok ? 200 : 500, outcome);
}

async function settleWithin(work: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((done) => (timer = setTimeout(done, ms)));
  await Promise.race([Promise.allSettled(work), limit]);
  clearTimeout(timer);
}
