// The cancel socket is left for the server (or pooler) to close, also after the caller stopped waiting: PgBouncer 1.18
// aborts when a cancel client hangs up before its request was forwarded (pgbouncer#801).
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendCancelRequest } from '../../lib/db/drivers/pg/cancel';

type Peer = { server: net.Server; port: number; accepted: Promise<net.Socket>; request: Promise<Buffer> };

async function slowPooler(): Promise<Peer> {
  let accept!: (s: net.Socket) => void;
  let received!: (b: Buffer) => void;
  const accepted = new Promise<net.Socket>((r) => (accept = r));
  const request = new Promise<Buffer>((r) => (received = r));
  // Reads the request and answers nothing, like a pooler still busy forwarding it.
  const server = net.createServer((s) => {
    s.once('data', received);
    accept(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as net.AddressInfo).port, accepted, request };
}

const open: net.Server[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const s of open.splice(0)) s.close();
});

describe('cancel request socket', () => {
  it('sends the CancelRequest and keeps the socket open after the wait, until the server closes it', async () => {
    // Prepare
    const peer = await slowPooler();
    open.push(peer.server);

    // Act: the caller's wait ends while the pooler has not answered
    await sendCancelRequest('127.0.0.1', peer.port, 4242, 77, 50);
    const socket = await peer.accepted;
    const request = await peer.request;

    // Assess: the request is the 16-byte CancelRequest, and the client has not hung up
    expect(request.readInt32BE(0)).toBe(16);
    expect(request.readInt32BE(4)).toBe(80877102);
    expect(request.readInt32BE(8)).toBe(4242);
    expect(request.readInt32BE(12)).toBe(77);
    let clientEnded = false;
    socket.on('end', () => (clientEnded = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(clientEnded).toBe(false);
    expect(socket.destroyed).toBe(false);

    // Act: the pooler is done and closes; the client side follows
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.end();
    await closed;
  });

  it('resolves at once when the server closes the socket before the wait is over', async () => {
    // Prepare: a server that closes right after reading the request (what PostgreSQL does)
    const server = net.createServer((s) => s.once('data', () => s.end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open.push(server);
    const port = (server.address() as net.AddressInfo).port;

    // Act: timers are frozen, so only the server's close can settle the call
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const settled = sendCancelRequest('127.0.0.1', port, 1, 2, 60_000);

    // Assess
    await expect(settled).resolves.toBeUndefined();
  });

  it('resolves when nothing listens (a cancel that cannot be delivered is best effort)', async () => {
    // Prepare: a port with no listener
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));

    // Act + Assess: timers frozen, so the connection error settles it
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await expect(sendCancelRequest('127.0.0.1', port, 1, 2, 60_000)).resolves.toBeUndefined();
  });
});
