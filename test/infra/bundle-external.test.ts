// Each Lambda bundle leaves out every database driver package but those of its target's driver.
import { describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, DRIVER_PACKAGES, driverOfTarget, iamAuthOfTarget, lambdaBundleExternal } from '../../lib/app/functions';

const ALL = ['pg', '@neondatabase/serverless', 'ws', '@aws-sdk/client-rds-data', '@electric-sql/pglite', '@aws-sdk/rds-signer'];

describe('bundle externals', () => {
  it('maps each target to the driver infra deploys it with', () => {
    expect(DATABASE_TARGETS.map((t) => driverOfTarget(t))).toEqual(['pg', 'pg', 'data-api']);
    expect(driverOfTarget('neon', 'neon-ws')).toBe('neon-ws');
    // DB_NEON_DRIVER only matters on Neon.
    expect(driverOfTarget('aurora-proxy', 'neon-ws')).toBe('pg');
    expect(() => driverOfTarget('neon', 'neon-http')).toThrow(/DB_NEON_DRIVER/);
  });

  it('keeps exactly the packages of the driver in use, and PGlite never', () => {
    // Act
    const pg = lambdaBundleExternal('pg');
    const neonWs = lambdaBundleExternal('neon-ws');
    const dataApi = lambdaBundleExternal('data-api');
    const none = lambdaBundleExternal(undefined);

    // Assess
    expect(pg.sort()).toEqual(['@aws-sdk/client-rds-data', '@aws-sdk/rds-signer', '@electric-sql/pglite', '@neondatabase/serverless', 'ws']);
    expect(neonWs.sort()).toEqual(['@aws-sdk/client-rds-data', '@aws-sdk/rds-signer', '@electric-sql/pglite', 'pg']);
    expect(dataApi.sort()).toEqual(['@aws-sdk/rds-signer', '@electric-sql/pglite', '@neondatabase/serverless', 'pg', 'ws']);
    expect(none.sort()).toEqual([...ALL].sort());
    for (const driver of ['pg', 'neon-ws', 'data-api'] as const) {
      const kept = ALL.filter((p) => !lambdaBundleExternal(driver).includes(p));
      expect(kept, driver).toEqual([...DRIVER_PACKAGES[driver]].sort((a, b) => ALL.indexOf(a) - ALL.indexOf(b)));
    }
  });

  it('carries the RDS IAM signer only where the target authenticates by IAM (RDS Proxy)', () => {
    expect(DATABASE_TARGETS.filter(iamAuthOfTarget)).toEqual(['aurora-proxy']);
    expect(lambdaBundleExternal('pg', true)).not.toContain('@aws-sdk/rds-signer');
    expect(lambdaBundleExternal('pg', true)).not.toContain('pg');
    expect(lambdaBundleExternal(undefined, true)).toContain('@aws-sdk/rds-signer');
  });
});
