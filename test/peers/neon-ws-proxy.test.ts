// The real @neondatabase/serverless Pool/Client over our WebSocket proxy to the local PostgreSQL.
import { createServer, type Server } from 'node:net';
import { Client, Pool, neonConfig, type DatabaseError } from '@neondatabase/serverless';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonWsProxy, type NeonWsProxy } from '../../dev/peers/neon-ws-proxy.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
let proxy: NeonWsProxy;

function useProxy(target: NeonWsProxy): void {
  neonConfig.webSocketConstructor = ws;
  neonConfig.wsProxy = target.url;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.coalesceWrites = false;
}

beforeAll(async () => {
  db = await createTestDatabase('neonws');
  proxy = await startNeonWsProxy({ port: 0 });
  useProxy(proxy);
});

afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});

describe('neon ws proxy', () => {
  it('runs a parameterised query through Pool', async () => {
    // Prepare
    const pool = new Pool({ connectionString: db.url });

    // Act
    const result = await pool.query('SELECT $1::int + 1 AS n, $2::text AS s', [41, 'hi']);
    await pool.end();

    // Assess
    expect(result.rows).toEqual([{ n: 42, s: 'hi' }]);
    expect(result.fields.map((f) => f.name)).toEqual(['n', 's']);
  });

  it('commits and rolls back interactive transactions on one Client', async () => {
    // Prepare
    const client = new Client(db.url);
    await client.connect();
    await client.query('CREATE TABLE tx_items (id int PRIMARY KEY)');

    // Act
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_items VALUES (1)');
    await client.query('COMMIT');
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_items VALUES (2)');
    const inside = await client.query('SELECT count(*)::int AS n FROM tx_items');
    await client.query('ROLLBACK');
    const after = await client.query('SELECT id FROM tx_items ORDER BY id');
    await client.end();

    // Assess
    expect(inside.rows[0].n).toBe(2);
    expect(after.rows).toEqual([{ id: 1 }]);
  });

  it('surfaces PostgreSQL errors with their SQLSTATE', async () => {
    // Prepare
    const pool = new Pool({ connectionString: db.url });
    await pool.query('CREATE TABLE uniq (id int PRIMARY KEY)');
    await pool.query('INSERT INTO uniq VALUES (1)');

    // Act
    const error = (await pool.query('INSERT INTO uniq VALUES (1)').catch((e: unknown) => e)) as DatabaseError;
    const stillWorks = await pool.query('SELECT 1 AS one');
    await pool.end();

    // Assess
    expect(error.code).toBe('23505');
    expect(error.constraint).toBe('uniq_pkey');
    expect(stillWorks.rows).toEqual([{ one: 1 }]);
  });

  it('counts open connections and drops them when clients leave', async () => {
    // Prepare
    const client = new Client(db.url);
    await client.connect();

    // Act
    const whileOpen = proxy.connections();
    await client.end();
    const afterEnd = await eventually(async () => proxy.connections(), (n) => n === 0);

    // Assess
    expect(whileOpen).toBeGreaterThanOrEqual(1);
    expect(afterEnd).toBe(0);
  });

  it('closes the WebSocket when the target hangs up or is gone, without crashing', async () => {
    // Prepare: a "database" that accepts and immediately hangs up.
    const vanishing: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => vanishing.listen(0, '127.0.0.1', resolve));
    const port = (vanishing.address() as { port: number }).port;
    const flaky = await startNeonWsProxy({ port: 0, target: { host: '127.0.0.1', port } });
    useProxy(flaky);
    const client = new Client(db.url);
    client.on('error', () => undefined);

    // Act
    const hungUp = await client.connect().catch((e: unknown) => e);
    await new Promise((resolve) => vanishing.close(resolve));
    const refusedClient = new Client(db.url);
    refusedClient.on('error', () => undefined);
    const refused = await refusedClient.connect().catch((e: unknown) => e);
    const left = await eventually(async () => flaky.connections(), (n) => n === 0);

    // Assess
    expect(hungUp).toBeInstanceOf(Error);
    expect(refused).toBeInstanceOf(Error);
    expect(left).toBe(0);
    useProxy(proxy);
    await flaky.close();
  });

  it('close() ends every open socket', async () => {
    // Prepare
    const own = await startNeonWsProxy({ port: 0 });
    useProxy(own);
    const client = new Client(db.url);
    const ended = new Promise<void>((resolve) => {
      client.on('end', () => resolve());
      client.on('error', () => resolve());
    });
    await client.connect();
    useProxy(proxy);

    // Act
    await own.close();
    await ended;
    const failed = await client.query('SELECT 1').catch((e: unknown) => e);

    // Assess
    expect(own.connections()).toBe(0);
    expect(failed).toBeInstanceOf(Error);
  });
});
