// A database that does not answer yields a `failing` report, never a thrown error or a hang: a closed port
// (refused at once) and a server that accepts the connection and then says nothing (bounded by the check's
// own limits).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, createDatabase, type Database } from '../../lib/db';
import { captureLogger } from '../support/logger';

/** A loopback port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('health check: unreachable database', () => {
  let silent: net.Server;
  const held: net.Socket[] = [];
  const dbs: Database[] = [];

  beforeAll(async () => {
    silent = net.createServer((socket) => void held.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.close()));
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const database = (port: number) => {
    const db = createDatabase({ url: `postgres://postgres@127.0.0.1:${port}/nowhere`, applicationName: 'mon-unreachable', logger: captureLogger() });
    dbs.push(db);
    return db;
  };

  it('reports a closed port as failing: database unreachable', async () => {
    // Prepare
    const db = database(await closedPort());
    // Act
    const report = await checkHealth(db);
    // Assess
    expect(report.status).toBe('failing');
    expect(report.reasons).toEqual([expect.objectContaining({ code: 'database_unreachable', severity: 'failing', message: 'database unreachable (CONNECTION_FAILED)' })]);
    expect(report.database).toMatchObject({ reachable: false, rttMs: null, error: { code: 'CONNECTION_FAILED' } });
    expect(report.connections).toBeNull();
    expect(report.roundTrips).toBe(0);
  });

  it('reports a server that never answers as failing: database timeout, within the check limits', { timeout: 10_000 }, async () => {
    // Prepare
    const db = database((silent.address() as net.AddressInfo).port);
    // Act
    const report = await checkHealth(db, { checkTimeoutMs: 800, statementTimeoutMs: 400 });
    // Assess
    expect(report.status).toBe('failing');
    const [reason] = report.reasons;
    expect(reason).toMatchObject({ code: 'database_timeout', severity: 'failing', threshold: { env: 'HEALTH_STATEMENT_TIMEOUT_MS', value: 400 } });
    expect(report.database.reachable).toBe(false);
    expect(report.database.error?.code).toBe('CONNECT_TIMEOUT');
    expect(held.length).toBeGreaterThanOrEqual(1);
  });

  it('is bounded by a deadline shorter than its own limits (the invocation running out)', { timeout: 10_000 }, async () => {
    // Prepare
    const db = database((silent.address() as net.AddressInfo).port);
    // Act
    const report = await checkHealth(db, {}, { deadline: Date.now() + 300 });
    // Assess
    expect(report.status).toBe('failing');
    expect(report.reasons[0]!.code).toBe('database_timeout');
    expect(report.database.error?.kind).toMatch(/^(connect|deadline)$/);
  });
});
