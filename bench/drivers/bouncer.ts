// The PgBouncer to measure through: the shared one on 127.0.0.1:6432 (scripts/pgbouncer.sh, transaction pooling)
// when it runs, else a private instance of the same script (test/support/pgbouncer.ts), stopped at the end.
import net from 'node:net';
import { startBouncer } from '../../test/support/pgbouncer';

export type BouncerEndpoint = { host: string; port: number; url(database: string): string; close(): Promise<void> };

const SHARED = { host: '127.0.0.1', port: 6432 };

export async function pgbouncerEndpoint(): Promise<BouncerEndpoint> {
  if (await listening(SHARED)) {
    return {
      ...SHARED,
      url: (database) => `postgres://postgres@${SHARED.host}:${SHARED.port}/${database}`,
      // The shared instance is only ever started, never stopped (other tests and benches use it).
      close: async () => undefined,
    };
  }
  const bouncer = await startBouncer();
  return { host: '127.0.0.1', port: bouncer.port, url: bouncer.url, close: bouncer.stop };
}

function listening(at: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(at);
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
