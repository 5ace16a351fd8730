// Shared by the driver tests: the database layer on each proxy-aware driver through the local peers (dev/peers),
// and a private PgBouncer (test/support/pgbouncer.ts) that may be skipped locally but never in CI.
import type { TestContext } from 'vitest';
import { createDatabase, type CreateDatabaseOptions, type Database } from '../../lib/db';
import type { DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import type { NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import type { NeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import { startBouncer, type Bouncer } from '../support/pgbouncer';
import type { TestDatabase } from '../support/postgres';

export type { Bouncer };

type Options = CreateDatabaseOptions<Record<string, never>>;

/** Never read settings from the developer's environment: each test states what it runs on. */
const NO_ENV = {};

export const DATA_API_ARNS = {
  dataApiResourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:local',
  dataApiSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:local',
} as const;

export function neonWsDatabase(tdb: TestDatabase, proxy: NeonWsProxy, options: Options = {}): Database {
  return createDatabase({
    url: tdb.url,
    driver: 'neon-ws',
    applicationName: tdb.applicationName,
    // The local proxy: plain ws, trust auth (no pipelined password), no write coalescing.
    neonWsProxy: proxy.url,
    neonSecureWebSocket: false,
    neonPipelineConnect: false,
    neonCoalesceWrites: false,
    env: NO_ENV,
    ...options,
  });
}

export function neonHttpDatabase(tdb: TestDatabase, endpoint: NeonHttpEndpoint, options: Options = {}): Database {
  return createDatabase({
    url: tdb.url,
    driver: 'neon-http',
    transactions: 'batch-only',
    applicationName: tdb.applicationName,
    neonFetchEndpoint: endpoint.url,
    env: NO_ENV,
    ...options,
  });
}

export function dataApiDatabase(tdb: TestDatabase, endpoint: DataApiEndpoint, options: Options = {}): Database {
  return createDatabase({
    driver: 'data-api',
    ...DATA_API_ARNS,
    dataApiDatabase: tdb.name,
    dataApiEndpoint: endpoint.url,
    env: NO_ENV,
    ...options,
  });
}

export function pgDatabase(url: string, applicationName: string, options: Options = {}): Database {
  return createDatabase({ url, driver: 'pg', applicationName, env: NO_ENV, ...options });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a result');
}

/** Starts a private PgBouncer, or records why it could not (see requireBouncer). */
export async function tryStartBouncer(): Promise<{ bouncer?: Bouncer; unavailable?: string }> {
  try {
    return { bouncer: await startBouncer() };
  } catch (error) {
    return { unavailable: (error as { stderr?: string }).stderr?.trim() || (error as Error).message };
  }
}

/** Under CI=true a missing PgBouncer fails the test; elsewhere the test is skipped. */
export function requireBouncer(context: TestContext, unavailable: string | undefined): void {
  if (!unavailable) return;
  if (process.env.CI === 'true') throw new Error(`PgBouncer is required in CI but could not be started: ${unavailable}`);
  context.skip(`PgBouncer unavailable: ${unavailable}`);
}
