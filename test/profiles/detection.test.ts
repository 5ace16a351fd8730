// Proxy profile detection: explicit setting, driver kind, then the URL's host and port; each with its reason.
import { describe, expect, it } from 'vitest';
import { detectProfile, refusal } from '../../lib/db';

describe('proxy profile detection', () => {
  it('detects RDS Proxy, the Neon pooler and PgBouncer from the URL', () => {
    // Act
    const rds = detectProfile('auto', 'postgres://u:p@app.proxy-abc123xyz.eu-west-1.rds.amazonaws.com:5432/db');
    const neon = detectProfile('auto', 'postgres://u:p@ep-cool-rain-123456-pooler.eu-central-1.aws.neon.tech/db');
    const bouncer = detectProfile('auto', 'postgres://u@10.0.0.5:6432/db');
    const neonDirect = detectProfile('auto', 'postgres://u:p@ep-cool-rain-123456.eu-central-1.aws.neon.tech/db');
    const cluster = detectProfile('auto', 'postgres://u:p@app.cluster-abc123xyz.eu-west-1.rds.amazonaws.com/db');

    // Assess
    expect([rds.profile.name, neon.profile.name, bouncer.profile.name, neonDirect.profile.name, cluster.profile.name]).toEqual([
      'rds-proxy', 'pgbouncer', 'pgbouncer', 'direct', 'direct',
    ]);
    expect(rds.reason).toContain('proxy-');
    expect(neon.reason).toContain('-pooler');
    expect(bouncer.reason).toContain('6432');
    expect(neonDirect.reason).toBe('no proxy detected from host or port');
  });

  it('lets an explicit setting win, and gives HTTP drivers transaction-pooling rules', () => {
    // Act
    const forced = detectProfile('direct', 'postgres://u@h.proxy-abc.us-east-1.rds.amazonaws.com/db');
    const http = detectProfile('auto', 'postgres://u@ep-x.aws.neon.tech/db', { driver: 'neon-http' });
    const dataApi = detectProfile('auto', undefined, { driver: 'data-api' });
    const none = detectProfile('auto', undefined);

    // Assess
    expect(forced.profile.name).toBe('direct');
    expect(forced.reason).toContain('DB_PROXY_PROFILE=direct');
    expect(http.profile.name).toBe('pgbouncer');
    expect(dataApi.profile.name).toBe('pgbouncer');
    expect(none.profile.name).toBe('direct');
  });

  it('allows named statements through PgBouncer only when DB_PREPARED_STATEMENTS says so, never through RDS Proxy', () => {
    // Act
    const plain = detectProfile('pgbouncer', undefined);
    const prepared = detectProfile('pgbouncer', undefined, { preparedStatements: true });
    const rds = detectProfile('rds-proxy', undefined, { preparedStatements: true });

    // Assess
    expect(plain.profile.namedStatements).toBe(false);
    expect(prepared.profile.namedStatements).toBe(true);
    expect(prepared.reason).toContain('DB_PREPARED_STATEMENTS');
    expect(rds.profile.namedStatements).toBe(false);
  });

  it('knows how each profile applies timeouts', () => {
    // Act
    const direct = detectProfile('direct', undefined).profile;
    const bouncer = detectProfile('pgbouncer', undefined).profile;
    const rds = detectProfile('rds-proxy', undefined).profile;

    // Assess
    expect([direct.startupParameters, direct.setLocal, direct.roleDefaultTimeouts]).toEqual([true, true, false]);
    expect([bouncer.startupParameters, bouncer.setLocal, bouncer.roleDefaultTimeouts]).toEqual([false, true, false]);
    expect([rds.startupParameters, rds.setLocal, rds.roleDefaultTimeouts]).toEqual([false, false, true]);
  });

  it('lets pinning statements through RDS Proxy only with DB_ALLOW_PINNING (the migrations), never session state', () => {
    // Act
    const url = 'postgres://u@app.proxy-abc123xyz.eu-west-1.rds.amazonaws.com:5432/db';
    const requests = detectProfile('auto', url).profile;
    const migrations = detectProfile('auto', url, { allowPinning: true });
    const bouncer = detectProfile('pgbouncer', url, { allowPinning: true }).profile;
    // Assess
    expect(refusal(requests, 'SELECT pg_advisory_xact_lock(1)')).toContain('pins');
    expect(refusal(migrations.profile, 'SELECT pg_advisory_xact_lock(1)')).toBeUndefined();
    expect(refusal(migrations.profile, 'SELECT pg_advisory_lock(1)')).toContain('session-level advisory locks');
    expect(refusal(migrations.profile, 'SET statement_timeout = 0')).toContain('session-level SET');
    expect(migrations.reason).toContain('DB_ALLOW_PINNING');
    expect(bouncer.refuses).toBe(detectProfile('pgbouncer', url).profile.refuses);
  });
});
