// Minimal stand-in until bench/support gets its delay proxy (issue 13): a TCP proxy holding every chunk `delayMs`
// in each direction, in order. Node timers have 1 ms granularity, so release times are polled with setImmediate
// (it burns CPU while data is held: timings only, never CPU figures, through it).
import net from 'node:net';

export type DelayProxy = { readonly port: number; close(): Promise<void> };

export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const holdNs = BigInt(Math.round(delayMs * 1e6));
  const queue: { due: bigint; to: net.Socket; chunk: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  let pumping = false;
  const pump = () => {
    const now = process.hrtime.bigint();
    while (queue[0] && queue[0].due <= now) {
      const { to, chunk } = queue.shift()!;
      if (!to.destroyed) to.write(chunk);
    }
    pumping = queue.length > 0;
    if (pumping) setImmediate(pump);
  };
  const hold = (to: net.Socket) => (chunk: Buffer) => {
    queue.push({ due: process.hrtime.bigint() + holdNs, to, chunk });
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
    }
    client.on('data', hold(upstream));
    upstream.on('data', hold(client));
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
