// The health check runs on every driver the layer supports (the behavioural matrix's targets): a real snapshot,
// not a failing report, and the same report shape everywhere.
import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../lib/db';
import { targets, useTarget } from '../support/drivers';
import { captureLogger } from '../support/logger';

describe.each(targets)('health check ($name)', (target) => {
  const h = useTarget(target);

  it('reports a reachable database with server facts and its own round trips', async () => {
    // Prepare
    const db = h().createDb({});
    // Act
    const report = await checkHealth(db, {}, { logger: captureLogger() });
    // Assess
    expect(report.database.reachable).toBe(true);
    expect(report.database.error).toBeNull();
    expect(report.status).not.toBe('failing');
    expect(report.driver).toBe(db.driverName);
    expect(report.database.serverVersionNum).toBeGreaterThanOrEqual(150000);
    expect(report.connections?.max).toBeGreaterThan(0);
    // BEGIN, snapshot, COMMIT on interactive drivers; one batch request on neon-http.
    expect(report.roundTrips).toBeGreaterThanOrEqual(1);
    expect(report.roundTrips).toBeLessThanOrEqual(3);
  });
});
