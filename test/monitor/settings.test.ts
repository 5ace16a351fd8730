// Thresholds and policy are configuration: defaults, argument > env > default, and a ConfigError naming the
// setting for every bad value, before any database work.
import { describe, expect, it } from 'vitest';
import { ConfigError, HEALTH_SETTINGS, checkHealth, createDatabase, loadHealthPolicy, loadHealthThresholds } from '../../lib/db';

describe('health thresholds and policy settings', () => {
  it('uses the defaults table when nothing is given', () => {
    // Act
    const t = loadHealthThresholds({}, {});
    const p = loadHealthPolicy({}, {});
    // Assess
    expect(t.longRunningMs).toBe(HEALTH_SETTINGS.longRunningMs.default);
    expect(t.connectionsDegradedRatio).toBe(0.8);
    expect(t.scope).toBe('database');
    expect(p.mode).toBe('off');
  });

  it('reads HEALTH_* variables, and an argument wins over the environment', () => {
    // Prepare
    const env = { HEALTH_LONG_RUNNING_MS: '1500', HEALTH_CONNECTIONS_DEGRADED_RATIO: '0.5', HEALTH_POLICY: 'dry-run', HEALTH_CANCEL_AFTER_MS: '900' };
    // Act
    const t = loadHealthThresholds({ idleInTransactionMs: 700 }, env);
    const fromArg = loadHealthThresholds({ longRunningMs: 2500 }, env);
    const p = loadHealthPolicy({}, env);
    // Assess
    expect(t).toMatchObject({ longRunningMs: 1500, idleInTransactionMs: 700, connectionsDegradedRatio: 0.5 });
    expect(fromArg.longRunningMs).toBe(2500);
    expect(p).toMatchObject({ mode: 'dry-run', cancelAfterMs: 900 });
  });

  it.each([
    [{}, { HEALTH_LONG_RUNNING_MS: 'soon' }, /HEALTH_LONG_RUNNING_MS must be an integer, got "soon"/],
    [{}, { HEALTH_BLOCKED_MS: '-5' }, /HEALTH_BLOCKED_MS must be between 1 and/],
    [{}, { HEALTH_CONNECTIONS_FAILING_RATIO: '1.5' }, /HEALTH_CONNECTIONS_FAILING_RATIO must be between 0.001 and 1, got 1.5/],
    [{ longRunningMs: 12.5 }, {}, /longRunningMs must be an integer, got 12.5/],
    [{ maxListed: 0 }, {}, /maxListed must be between 1 and 1000, got 0/],
    [{ rttDegradedMs: Number.NaN }, {}, /rttDegradedMs must be an integer/],
    [{ connectionsDegradedRatio: 0.9, connectionsFailingRatio: 0.5 }, {}, /HEALTH_CONNECTIONS_DEGRADED_RATIO \(0.9\) must not exceed HEALTH_CONNECTIONS_FAILING_RATIO \(0.5\)/],
    [{ statementTimeoutMs: 5000, checkTimeoutMs: 5000 }, {}, /HEALTH_STATEMENT_TIMEOUT_MS \(5000\) must be less than HEALTH_CHECK_TIMEOUT_MS \(5000\)/],
    [{}, { HEALTH_SCOPE: 'cluster' }, /HEALTH_SCOPE must be one of database, server; got "cluster"/],
  ] as const)('rejects bad thresholds %# with a ConfigError naming the setting', (input, env, message) => {
    // Act
    const act = () => loadHealthThresholds(input as never, env);
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it.each([
    [{}, { HEALTH_POLICY: 'kill' }, /HEALTH_POLICY must be one of off, dry-run, enforce; got "kill"/],
    [{ mode: 'enforce', cancelAfterMs: 50 }, {}, /cancelAfterMs must be between 100 and/],
    [{}, { HEALTH_TERMINATE_IDLE_AFTER_MS: '1e3' }, /HEALTH_TERMINATE_IDLE_AFTER_MS must be an integer, got "1e3"/],
  ] as const)('rejects a bad policy %# with a ConfigError naming the setting', (input, env, message) => {
    // Act
    const act = () => loadHealthPolicy(input as never, env);
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it('checkHealth rejects bad thresholds before opening a session', async () => {
    // Prepare: a database that is never reached (lazy: no connection until a session needs one)
    const db = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' });
    // Act
    const result = checkHealth(db, { longRunningMs: -1 });
    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigError);
    expect(db.stats().layer.sessions).toBe(0);
    await db.close();
  });
});
