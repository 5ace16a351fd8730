// The drivers that pipeline units (drivers/pg/pipeline.ts), each reached through a counting proxy so a test counts
// round trips on the wire: pg straight to the server, pg through a PgBouncer of its own (transaction pooling), and
// neon-ws through the local WebSocket proxy. Driver connections are opened directly (no pool, no session), with
// the begin options each profile gets from the layer (session.ts beginOptions).
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { startNeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import type { DriverConnection, DriverImplementation } from '../../lib/db/driver';
import { NeonWsDriver } from '../../lib/db/drivers/neon-ws';
import { PgDriver } from '../../lib/db/drivers/pg';
import { PROFILES, type ProxyProfile } from '../../lib/db/profiles';
import type { BeginOptions, IsolationLevel, ServerTimeouts } from '../../lib/db/timeouts';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { requireBouncer, tryStartBouncer } from './helpers';

export type PipelineHandle = {
  readonly tdb: TestDatabase;
  readonly profile: ProxyProfile;
  /** Counts the traffic of every connection this handle opens (and nothing else). */
  readonly wire: CountingProxy;
  /** Where the driver connects (through the counting proxy), for a client outside the code under test. */
  readonly url: string;
  /** A driver connection through the counting proxy; `timeouts` are the configured limits (startup parameters on direct). */
  connect(timeouts?: Partial<ServerTimeouts>): Promise<DriverConnection>;
  /** The BEGIN options the layer gives a unit on this profile; `lowered` is a deadline's clamp of the limits. */
  begin(o?: { isolation?: IsolationLevel; readOnly?: boolean; timeouts?: Partial<ServerTimeouts>; lowered?: Partial<ServerTimeouts> }): BeginOptions;
  /** Skips (locally) or fails (CI) when a part of the target could not be started. */
  require(context: TestContext): void;
  teardown(): Promise<void>;
};

export type PipelineTarget = { name: string; setup(): Promise<PipelineHandle> };

/** The target of the enclosing describe: set up with `ddl` run in its database (beforeAll), torn down after. */
export function usePipelineTarget(target: PipelineTarget, ddl: string): PipelineHandle {
  let real: PipelineHandle | undefined;
  beforeAll(async () => {
    real = await target.setup();
    await adminQuery(ddl, [], real.tdb.name);
  });
  afterAll(async () => {
    await real?.teardown();
  });
  const h = () => {
    if (!real) throw new Error(`target ${target.name} is not set up`);
    return real;
  };
  return {
    get tdb() {
      return h().tdb;
    },
    get profile() {
      return h().profile;
    },
    get wire() {
      return h().wire;
    },
    get url() {
      return h().url;
    },
    connect: (timeouts) => h().connect(timeouts),
    begin: (o) => h().begin(o),
    require: (context) => h().require(context),
    teardown: () => h().teardown(),
  };
}

const LIMITS: ServerTimeouts = { statementMs: 10_000, lockMs: 10_000, idleInTransactionMs: 10_000 };

function handle(
  tdb: TestDatabase,
  wire: CountingProxy,
  url: string,
  profile: ProxyProfile,
  driver: (startup: ServerTimeouts) => DriverImplementation,
  cleanup: () => Promise<void>,
  unavailable?: string,
): PipelineHandle {
  const opened: DriverConnection[] = [];
  return {
    tdb,
    profile,
    wire,
    url,
    async connect(timeouts = {}) {
      const conn = await driver({ ...LIMITS, ...timeouts }).connect(10_000);
      opened.push(conn);
      return conn;
    },
    begin(o = {}) {
      const configured = { ...LIMITS, ...o.timeouts };
      return {
        isolation: o.isolation,
        readOnly: o.readOnly ?? false,
        serverTimeouts: profile.setLocal ? { ...configured, ...o.lowered } : undefined,
        sessionTimeouts: profile.startupParameters ? configured : undefined,
      };
    },
    require: (context) => requireBouncer(context, unavailable),
    async teardown() {
      for (const c of opened) c.destroy();
      await wire.close();
      await cleanup();
      await tdb.drop();
    },
  };
}

const pgDirect: PipelineTarget = {
  name: 'pg direct',
  async setup() {
    const tdb = await createTestDatabase('pipeline');
    const wire = await startCountingProxy({ host: '127.0.0.1', port: Number(new URL(tdb.url).port) });
    const profile = PROFILES.direct;
    const url = wire.route(tdb.url);
    return handle(tdb, wire, url, profile, (startupTimeouts) => new PgDriver({ url, applicationName: tdb.applicationName, profile, startupTimeouts }), async () => {});
  },
};

/** pg through a PgBouncer of its own (transaction pooling), with the pgbouncer profile or another (rds-proxy). */
export function bouncerTarget(profile: ProxyProfile = PROFILES.pgbouncer): PipelineTarget {
  return {
    name: `pg through PgBouncer (${profile.name} profile)`,
    async setup() {
      const tdb = await createTestDatabase('pipeline');
      const { bouncer, unavailable } = await tryStartBouncer();
      // Without PgBouncer the counting proxy points at a closed port; require() skips (or fails in CI) first.
      const wire = await startCountingProxy({ host: '127.0.0.1', port: bouncer?.port ?? 1 });
      const url = wire.route(bouncer ? bouncer.url(tdb.name) : tdb.url);
      return handle(
        tdb,
        wire,
        url,
        profile,
        (startupTimeouts) => new PgDriver({ url, applicationName: tdb.applicationName, profile, startupTimeouts }),
        async () => bouncer?.stop(),
        unavailable,
      );
    },
  };
}

const neonWs: PipelineTarget = {
  name: 'neon-ws',
  async setup() {
    const tdb = await createTestDatabase('pipeline');
    const wire = await startCountingProxy({ host: '127.0.0.1', port: Number(new URL(tdb.url).port) });
    const proxy = await startNeonWsProxy();
    const profile = PROFILES.direct;
    const url = wire.route(tdb.url);
    const ws = { proxy: proxy.url, secure: false, pipelineConnect: false, coalesceWrites: false };
    return handle(
      tdb,
      wire,
      url,
      profile,
      (startupTimeouts) => new NeonWsDriver({ url, applicationName: tdb.applicationName, profile, startupTimeouts, ws }),
      () => proxy.close(),
    );
  },
};

export const pipelineTargets: PipelineTarget[] = [pgDirect, bouncerTarget(), neonWs];

/** Round trips (ReadyForQuery from the server) and Syncs/Queries sent while `act` runs. */
export async function counted<T>(wire: CountingProxy, act: () => Promise<T>): Promise<{ value: T; roundTrips: number; syncs: number; queries: number }> {
  const before = { z: wire.readyForQuery, s: wire.clientMessages('S'), q: wire.clientMessages('Q') };
  const value = await act();
  return { value, roundTrips: wire.readyForQuery - before.z, syncs: wire.clientMessages('S') - before.s, queries: wire.clientMessages('Q') - before.q };
}

/** The rejection of a promise, counted like `counted` (fails the test if it resolves). */
export async function countedFailure(wire: CountingProxy, act: () => Promise<unknown>): Promise<{ error: unknown; roundTrips: number }> {
  const { value, roundTrips } = await counted(wire, () => act().then(
    () => {
      throw new Error('expected a rejection, got a result');
    },
    (error: unknown) => error,
  ));
  return { error: value, roundTrips };
}
