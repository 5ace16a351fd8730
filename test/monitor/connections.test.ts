// Connections in use vs max_connections, by application and state. The shared server is never exhausted:
// the ratio thresholds are set relative to what five extra connections make the count cross.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, createDatabase, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { peer, type Peer } from './helpers';

describe('health check: connections near max_connections', () => {
  let tdb: TestDatabase;
  let db: Database;
  const crowd: Peer[] = [];
  let fiveOfMax: number;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_conn');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    for (let i = 0; i < 5; i++) crowd.push(await peer(tdb.url, 'crowd-app'));
    const { connections } = await checkHealth(db);
    // The share of max_connections that five connections make; with ours open, the count is above it.
    fiveOfMax = Math.max(0.001, Math.floor((5 / connections!.max) * 1000) / 1000);
  });

  afterAll(async () => {
    await Promise.all(crowd.map((p) => p.end()));
    await db?.close();
    await tdb?.drop();
  });

  it('breaks connections down by application and state', async () => {
    // Act
    const report = await checkHealth(db);
    // Assess
    const c = report.connections!;
    expect(c.byApplication).toContainEqual({ application: 'crowd-app', state: 'idle', count: 5 });
    expect(c.used).toBeGreaterThanOrEqual(6);
    expect(c.ours).toBeGreaterThanOrEqual(1);
    expect(c.usedRatio).toBeCloseTo(c.used / c.max, 3);
    expect(c.available).toBe(c.max - c.superuserReserved - c.reserved - c.used);
  });

  it('is degraded at or above HEALTH_CONNECTIONS_DEGRADED_RATIO', async () => {
    // Act
    const report = await checkHealth(db, { connectionsDegradedRatio: fiveOfMax, connectionsFailingRatio: 1 });
    // Assess
    expect(report.status).toBe('degraded');
    const reason = report.reasons.find((r) => r.code === 'connections_high')!;
    expect(reason.threshold).toEqual({ setting: 'connectionsDegradedRatio', env: 'HEALTH_CONNECTIONS_DEGRADED_RATIO', value: fiveOfMax });
    expect(reason.observed).toBe(report.connections!.usedRatio);
  });

  it('is failing at or above HEALTH_CONNECTIONS_FAILING_RATIO', async () => {
    // Act
    const report = await checkHealth(db, { connectionsDegradedRatio: fiveOfMax, connectionsFailingRatio: fiveOfMax });
    // Assess
    expect(report.status).toBe('failing');
    expect(report.reasons.map((r) => r.code)).toEqual(['connections_critical']);
    expect(report.reasons[0]!.threshold).toMatchObject({ env: 'HEALTH_CONNECTIONS_FAILING_RATIO', value: fiveOfMax });
  });

  it('is ok below the thresholds', async () => {
    // Act
    const report = await checkHealth(db, { connectionsDegradedRatio: 1, connectionsFailingRatio: 1 });
    // Assess
    expect(report.reasons.some((r) => r.code.startsWith('connections_'))).toBe(false);
  });
});
