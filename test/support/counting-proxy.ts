// A counting TCP proxy in front of PostgreSQL (tests and benchmarks): forwards bytes untouched and counts the
// messages of both sides. Every round trip ends with exactly one ReadyForQuery ('Z') from the server and is
// asked for by one Query ('Q') or Sync ('S') from the client; the startup handshake ends with a Z of its own.
import net from 'node:net';
import { CANCEL_REQUEST, GSSENC_REQUEST, SSL_REQUEST, WireFramer } from './pg-wire';

export type CountingProxy = {
  readonly port: number;
  /** ReadyForQuery messages sent by the server so far, over all connections: completed round trips. */
  readonly readyForQuery: number;
  /** Server->client messages of one type so far (e.g. 'Z', 'C' CommandComplete, 'E' ErrorResponse). */
  serverMessages(type: string): number;
  /** Round trips the clients asked for (Query + Sync), the startup handshake not included. */
  readonly roundTrips: number;
  /** Client->server messages of one type so far (e.g. 'Q' Query, 'P' Parse, 'S' Sync). */
  clientMessages(type: string): number;
  /** Sessions started through the proxy so far (StartupMessages; SSL probes and cancel requests not included). */
  readonly connections: number;
  /** The same URL with host and port pointing at the proxy. */
  route(url: string): string;
  close(): Promise<void>;
};

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const sent = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  let connections = 0;

  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const fromServer = new WireFramer('server', (f) => {
      if (f.kind === 'typed') counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
      // Encrypted traffic cannot be counted: refuse it rather than report wrong numbers.
      else if (f.kind === 'byte' && f.value !== 'N') fail(new Error('the counting proxy cannot read encrypted connections (use sslmode=disable)'));
    });
    const fromClient = new WireFramer('client', (f) => {
      if (f.kind === 'typed') sent.set(f.type, (sent.get(f.type) ?? 0) + 1);
      else if (f.kind === 'untyped' && (f.code === SSL_REQUEST || f.code === GSSENC_REQUEST)) fromServer.expectByte();
      else if (f.kind === 'untyped' && f.code !== CANCEL_REQUEST) connections++;
    });
    const fail = (err: Error) => {
      client.destroy(err);
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => guarded(() => fromClient.push(chunk)));
    upstream.on('data', (chunk: Buffer) => guarded(() => fromServer.push(chunk)));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);

    function guarded(parse: () => void): void {
      try {
        parse();
      } catch (err) {
        fail(err as Error);
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    get readyForQuery() {
      return counts.get('Z') ?? 0;
    },
    serverMessages: (type) => counts.get(type) ?? 0,
    get roundTrips() {
      return (sent.get('Q') ?? 0) + (sent.get('S') ?? 0);
    },
    clientMessages: (type) => sent.get(type) ?? 0,
    get connections() {
      return connections;
    },
    route(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
