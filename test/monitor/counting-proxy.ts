// A loopback TCP proxy in front of PostgreSQL that counts the client's round trips: every simple Query ('Q')
// and every Sync ('S', which ends one extended-protocol exchange) is one trip to the server and back.
import net from 'node:net';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

export type CountingProxy = {
  port: number;
  /** Round trips sent by clients since the proxy started (startup and cancel requests not included). */
  readonly roundTrips: number;
  /** Client connections the proxy has accepted (cancel requests excluded). */
  readonly connections: number;
  close(): Promise<void>;
};

export async function countingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let roundTrips = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      // Frame the client's messages: the first ones have no type byte (startup, SSL or cancel request).
      for (;;) {
        if (!started) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (buffer.length < length) break;
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST) continue;
          if (code !== CANCEL_REQUEST) connections++;
          started = true;
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        const type = String.fromCharCode(buffer[0]!);
        if (type === 'Q' || type === 'S') roundTrips++;
        buffer = buffer.subarray(1 + length);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get roundTrips() {
      return roundTrips;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
