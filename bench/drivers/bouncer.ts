// The PgBouncer to measure through: a private instance of scripts/pgbouncer.sh (transaction pooling) in front of the
// server the suites use (TEST_PG_PORT: the delay proxy in the latency dimension), stopped at the end. Private, so its
// process can be pinned with the backends, and nobody restarts it mid-run (the shared one on 6432 is left alone).
import { PG_HOST, PG_PORT } from '../../test/support/postgres';
import { startBouncer } from '../../test/support/pgbouncer';

export type BouncerEndpoint = { host: string; port: number; url(database: string): string; pid(): number; close(): Promise<void> };

export async function pgbouncerEndpoint(): Promise<BouncerEndpoint> {
  const bouncer = await startBouncer({ server: { host: PG_HOST, port: PG_PORT } });
  return { host: '127.0.0.1', port: bouncer.port, url: bouncer.url, pid: bouncer.pid, close: bouncer.stop };
}
