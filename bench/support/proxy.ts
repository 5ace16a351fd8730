// A counting TCP proxy in front of PostgreSQL: forwards bytes untouched and counts the server's messages.
// Every round trip ends with exactly one ReadyForQuery ('Z'), so Z messages count round trips.
import net from 'node:net';
import { GSSENC_REQUEST, SSL_REQUEST, WireFramer } from './wire';

export type CountingProxy = {
  readonly port: number;
  /** ReadyForQuery messages sent by the server so far, over all connections: completed round trips. */
  readonly readyForQuery: number;
  /** Server->client messages of one type so far (e.g. 'Z', 'C' CommandComplete, 'E' ErrorResponse). */
  serverMessages(type: string): number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** The same URL with host and port pointing at the proxy. */
  route(url: string): string;
  close(): Promise<void>;
};

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  let connections = 0;

  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const fromServer = new WireFramer('server', (f) => {
      if (f.kind === 'typed') counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
      // Encrypted traffic cannot be counted: refuse it rather than report wrong numbers.
      else if (f.kind === 'byte' && f.value !== 'N') fail(new Error('the counting proxy cannot read encrypted connections (use sslmode=disable)'));
    });
    const fromClient = new WireFramer('client', (f) => {
      if (f.kind === 'untyped' && (f.code === SSL_REQUEST || f.code === GSSENC_REQUEST)) fromServer.expectByte();
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
