// Opening a connection fails typed: refused (ConnectionFailedError), reset during startup (ConnectionFailedError),
// no answer (ConnectTimeoutError, socket closed), no slot left on the server (TooManyConnectionsError, 53300).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectTimeoutError, ConnectionFailedError, TooManyConnectionsError } from '../../lib/db';
import { adminOf, supports, targets, tcpOf, useTarget } from '../support/drivers';
import { gate } from '../support/gate';
import { eventually, randomName } from '../support/postgres';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const LOCALHOST = '127.0.0.1';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOCALHOST, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A listener that accepts and at once drops every connection: with RST (reset) or FIN (end). */
async function droppingServer(how: 'reset' | 'end'): Promise<net.Server> {
  const server = net.createServer((socket) => (how === 'reset' ? socket.resetAndDestroy() : socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, LOCALHOST, resolve));
  return server;
}

describe.each(targets)('connect errors ($name)', (target) => {
  const h = useTarget(target);
  const cleanups: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('gives ConnectionFailedError when the port refuses', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const db = h().createDb(tcpOf(h()).via({ host: LOCALHOST, port: await closedPort() }));

    // Act
    const err = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ConnectionFailedError);
    expect(err).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true });
    expect(db.stats().pool).toMatchObject({ total: 0, created: 0, acquired: 0 });
  });

  it.each(['reset', 'end'] as const)('gives ConnectionFailedError when the peer drops the connection during startup (%s)', async (how) => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const server = await droppingServer(how);
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const db = h().createDb(tcpOf(h()).via({ host: LOCALHOST, port: (server.address() as net.AddressInfo).port }));

    // Act
    const err = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ConnectionFailedError);
    expect(err).toMatchObject({ retryable: true });
    expect(db.stats().pool).toMatchObject({ total: 0, created: 0 });
  });

  it('gives ConnectTimeoutError when nothing answers, and leaves no socket open', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const proxy: TcpProxy = await startTcpProxy(tcpOf(h()).endpoint);
    cleanups.push(() => proxy.close());
    proxy.pause({ newConnections: true }); // TCP connects, the startup never gets an answer
    const db = h().createDb({ ...tcpOf(h()).via({ host: LOCALHOST, port: proxy.port }), connectTimeoutMs: 200 });

    // Act
    const err = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(err).toMatchObject({ kind: 'connect', limitMs: 200, retryable: true });
    expect(db.stats().layer.timeouts.connect).toBe(1);
    expect(db.stats().pool).toMatchObject({ total: 0, created: 0 });
    // Thawed, the proxy sees what the client did meanwhile: it closed its socket, so the proxied pair goes away.
    proxy.resume();
    expect(await eventually(async () => proxy.connections(), (n) => n === 0)).toBe(0);
  });

  it('gives TooManyConnectionsError (53300) when the server has no slot left for the role', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'serverAdmin', probe) || !supports(target, 'tcp', probe)) return;
    const admin = adminOf(h());
    const role = randomName('limited');
    // Superusers are exempt from connection limits: a plain role with a limit of one.
    await admin.server(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    cleanups.push(() => admin.server(`DROP ROLE IF EXISTS ${role}`));
    const tcp = tcpOf(h());
    const db = h().createDb({ ...tcp.via(tcp.endpoint, { user: role }), poolMax: 2 });
    cleanups.push(() => db.close());
    const release = gate();
    const holding = gate();
    const holder = db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query('SELECT 1');
        holding.open();
        await release.promise;
      }),
    );
    await holding.promise;

    // Act
    const err = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);
    release.open();
    await holder;

    // Assess
    expect(err).toBeInstanceOf(TooManyConnectionsError);
    expect(err).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', sqlstate: '53300', retryable: true });
    expect(db.stats().pool).toMatchObject({ created: 1, acquired: 0 });
  });
});
