// Shared by the monitor tests: sessions that create the conditions for real, and a bounded wait for a report.
import pg from 'pg';
import { checkHealth, type CheckHealthOptions, type Database, type HealthReport, type HealthThresholdsInput } from '../../lib/db';
import { eventually } from '../support/postgres';

export type Peer = { client: pg.Client; pid: number; end(): Promise<void> };

/** A second connection, as another process would open it (own application_name, optionally another role). */
export async function peer(url: string, applicationName: string, user?: string): Promise<Peer> {
  const u = new URL(url);
  if (user) u.username = user;
  const client = new pg.Client({ connectionString: u.toString(), application_name: applicationName });
  client.on('error', () => undefined); // a terminated peer is an expected outcome here
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return { client, pid, end: () => client.end().catch(() => undefined) };
}

/** Starts a statement that keeps running; its promise settles when it ends (or is cancelled). */
export function runInBackground(p: Peer, sql: string): Promise<unknown> {
  const running = p.client.query(sql);
  running.catch(() => undefined);
  return running;
}

/** Runs checks until `ok` holds (bounded), and returns the last report. */
export function checkUntil(
  db: Database,
  thresholds: HealthThresholdsInput,
  ok: (r: HealthReport) => boolean,
  options: CheckHealthOptions = {},
): Promise<HealthReport> {
  return eventually(() => checkHealth(db, thresholds, options), ok, 15_000, 100);
}
