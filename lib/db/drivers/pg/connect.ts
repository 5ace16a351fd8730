// Configuring and opening a node-postgres-shaped client (pg.Client, or @neondatabase/serverless's Client, a
// bundled pg.Client) within a time limit.
import type pg from 'pg';
import { toDbError } from '../../classify';
import { ConnectTimeoutError } from '../../errors';
import type { ProxyProfile } from '../../profiles';

/** What both pg.Client and Neon's Client offer. */
export type ClientLike = {
  connect(): Promise<unknown>;
  end(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
};

export type ClientOptions = {
  url: string;
  applicationName: string;
  profile: ProxyProfile;
  /** Session-wide server timeouts, sent as startup parameters when the profile allows. */
  startupTimeouts: { statementMs: number; lockMs: number; idleInTransactionMs: number };
  /** The password of each new connection, asked for at connect (RDS IAM tokens); the URL then has none. */
  password?: () => Promise<string>;
};

/** The client configuration a profile allows: startup parameters only where no pooler rejects them. */
export function clientConfig(o: ClientOptions): pg.ClientConfig {
  const config: pg.ClientConfig = { ...endpointOf(o), application_name: o.applicationName, keepAlive: true };
  if (o.profile.startupParameters) {
    config.statement_timeout = o.startupTimeouts.statementMs;
    config.lock_timeout = o.startupTimeouts.lockMs;
    config.idle_in_transaction_session_timeout = o.startupTimeouts.idleInTransactionMs;
  }
  return config;
}

/**
 * Where to connect. A password function cannot go with a connection string (pg lets the string's empty password
 * win), so then the URL is taken apart here: user, host, port, database and sslmode, all the config allows
 * (lib/db/config.ts refuses anything else); any sslmode but `disable` is TLS with the certificate verified.
 */
function endpointOf(o: ClientOptions): pg.ClientConfig {
  if (!o.password) return { connectionString: o.url };
  const u = new URL(o.url);
  const sslmode = u.searchParams.get('sslmode');
  return {
    user: decodeURIComponent(u.username),
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    ssl: sslmode !== null && sslmode !== 'disable',
    password: o.password,
  };
}

/** Connects within timeoutMs (ConnectTimeoutError) and never leaves a socket behind on failure. */
export function connectWithin(client: ClientLike, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      hardClose(client);
      reject(new ConnectTimeoutError(`connect timed out after ${timeoutMs} ms`, { limitMs: timeoutMs }));
    }, timeoutMs);
    // Until the connection is handed over, errors are answered by the reject below, never thrown.
    // An error right after the handshake (e.g. the backend terminated in the same chunk as ReadyForQuery) leaves
    // the client unusable before anyone listens: remember it and refuse the connection instead of handing it over.
    let early: unknown;
    const onEarlyError = (err: unknown) => {
      early ??= err;
    };
    client.on('error', onEarlyError);
    client.connect().then(
      () => {
        clearTimeout(timer);
        client.off('error', onEarlyError);
        if (settled) return hardClose(client);
        settled = true;
        if (early !== undefined) {
          hardClose(client);
          return reject(toDbError(early, { connecting: true }));
        }
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        hardClose(client);
        reject(toDbError(err, { connecting: true }));
      },
    );
  });
}

/** Drops the socket at once, then lets the client finish its own bookkeeping. */
export function hardClose(client: ClientLike): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  client.end().catch(() => undefined);
}
