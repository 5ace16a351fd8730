// A controllable loopback TCP proxy for tests: pause() freezes connections the way a frozen Lambda or a dropped
// network path does (no FIN, no RST, bytes simply stop flowing), so the code under test must detect it by itself.
import net from 'node:net';

export type TcpProxy = {
  readonly port: number;
  /**
   * Stops forwarding in both directions on every open connection without closing any socket. With
   * `newConnections`, connections accepted later are frozen too (a connect that never completes its startup).
   */
  pause(options?: { newConnections?: boolean }): void;
  /** Forwards again (whatever the kernel buffered while paused flows on). */
  resume(): void;
  /** Client connections currently open through the proxy. */
  connections(): number;
  close(): Promise<void>;
};

type Pair = { client: net.Socket; upstream: net.Socket };

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let freezeNew = false;
  // Reading is what forwards (each side writes what it reads); a paused socket leaves bytes in the kernel buffer.
  const freeze = (p: Pair) => (p.client.pause(), p.upstream.pause());
  const thaw = (p: Pair) => (p.client.resume(), p.upstream.resume());

  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
    if (freezeNew) freeze(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as net.AddressInfo).port,
    pause(options = {}) {
      freezeNew = options.newConnections ?? false;
      for (const p of pairs) freeze(p);
    },
    resume() {
      freezeNew = false;
      for (const p of pairs) thaw(p);
    },
    connections: () => pairs.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of pairs) (p.client.destroy(), p.upstream.destroy());
        server.close(() => resolve());
      }),
  };
}
