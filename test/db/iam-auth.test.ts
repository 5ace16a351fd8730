// RDS IAM authentication (DB_IAM_AUTH): the pg driver asks for the password at each new connection and gets a token
// from @aws-sdk/rds-signer (signed locally with the function's credentials; here fake ones, no network), reused while
// young and re-signed before it expires (a fake clock drives the refresh), never logged. Against a throwaway cluster
// that checks passwords, standing in for RDS Proxy: the role's password is set to each freshly signed token.
import util from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigError, createDatabase, loadConfig } from '../../lib/db';
import { IAM_TOKEN_LIFETIME_MS, IAM_TOKEN_REFRESH_AFTER_MS, IamTokenSource, PgDriver, rdsSigner, type SignToken } from '../../lib/db/drivers/pg';
import { PROFILES } from '../../lib/db';
import { captureLogger } from '../support/logger';
import { randomName } from '../support/postgres';
import { startCluster, type Cluster } from '../support/cluster';

const ROLE = randomName('iamrole');
const MINUTE = 60_000;
const FAKE_AWS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'us-east-1' };
const saved: Record<string, string | undefined> = {};

let cluster: Cluster;
const endpoint = () => ({ hostname: '127.0.0.1', port: cluster.endpoint.port, username: ROLE, region: 'us-east-1' });
const url = () => `postgres://${ROLE}@127.0.0.1:${cluster.endpoint.port}/postgres?sslmode=disable`;

/** Makes `token` the role's password, as RDS Proxy would accept exactly that token. */
const accept = (token: string) => cluster.query(`ALTER ROLE ${ROLE} PASSWORD '${token.replaceAll("'", "''")}'`);

/** A token source on the real signer with a fake clock, counting its signings. */
function countedSource() {
  const real = rdsSigner(endpoint());
  const c = {
    clock: 0,
    signed: 0,
    source: undefined as unknown as IamTokenSource,
  };
  c.source = new IamTokenSource(async () => {
    c.signed++;
    return real();
  }, () => c.clock);
  return c;
}

beforeAll(async () => {
  for (const [k, v] of Object.entries(FAKE_AWS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  // Cleartext password auth for the IAM role, as RDS Proxy takes tokens (over TLS there).
  cluster = await startCluster({ password: 'postgres', hbaFirst: [`host all ${ROLE} 127.0.0.1/32 password`] });
  await cluster.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'not-a-token'`);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await cluster?.close();
});

describe('IAM token source (fake clock)', () => {
  it('signs a real RDS token, reuses it while young, and re-signs it before it expires', async () => {
    // Prepare
    const c = countedSource();
    const { source } = c;
    // Act
    const first = await source.token();
    c.clock += IAM_TOKEN_REFRESH_AFTER_MS - 1;
    const reused = await source.token();
    c.clock += 1;
    const refreshed = await source.token();
    // Assess
    expect(first).toMatch(new RegExp(`^127\\.0\\.0\\.1:${cluster.endpoint.port}/\\?Action=connect&DBUser=${ROLE}&X-Amz-Algorithm=AWS4-HMAC-SHA256&`));
    expect(first).toContain('X-Amz-Expires=900');
    expect(reused).toBe(first);
    expect(c.signed).toBe(2);
    expect(refreshed).toMatch(/&X-Amz-Signature=[0-9a-f]{64}&/);
    // Re-signed with a third of the token's life left: never presented stale.
    expect(IAM_TOKEN_LIFETIME_MS - IAM_TOKEN_REFRESH_AFTER_MS).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('shares one signing between concurrent connects', async () => {
    let signed = 0;
    const source = new IamTokenSource(async () => `token-${++signed}`, () => 0);
    const tokens = await Promise.all([source.token(), source.token(), source.token()]);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    expect(signed).toBe(1);
  });

  it('does not remember a failed signing, and keeps credentials out of the error', async () => {
    // Prepare
    let calls = 0;
    const source = new IamTokenSource(async () => {
      calls++;
      if (calls === 1) throw new Error(`no credentials: secret=${FAKE_AWS.AWS_SECRET_ACCESS_KEY}`);
      return 'token-2';
    }, () => 0);
    // Act
    const err = await source.token().catch((e: unknown) => e);
    const next = await source.token();
    // Assess
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(String((err as Error).message)).not.toContain(FAKE_AWS.AWS_SECRET_ACCESS_KEY);
    expect(next).toBe('token-2');
  });
});

describe('IAM auth in the pg driver (connect path)', () => {
  it("presents the source's current token at each new connection, a re-signed one after the refresh time", async () => {
    // Prepare: a real signer, counted; the server accepts whatever token the test says
    const c = countedSource();
    const { source } = c;
    const driver = new PgDriver({
      url: url(),
      applicationName: 'iam-test',
      profile: PROFILES['rds-proxy'],
      startupTimeouts: { statementMs: 10_000, lockMs: 3_000, idleInTransactionMs: 10_000 },
      password: source.token,
    });
    const who = async () => {
      const conn = await driver.connect(10_000);
      try {
        return (await conn.query('SELECT current_user AS who', undefined, { rowMode: 'object', rawTemporal: false })).rows[0];
      } finally {
        conn.destroy();
      }
    };
    // Act + Assess: the token the source holds is the password the connection presents
    await accept(await source.token());
    expect(await who()).toEqual({ who: ROLE });
    await accept('a-rotated-token');
    expect(await who().catch((e: unknown) => e)).toBeInstanceOf(AuthenticationError);
    // ... past the refresh time the source signs anew, and connections present the new token
    c.clock += IAM_TOKEN_REFRESH_AFTER_MS + MINUTE;
    await accept(await source.token());
    expect(await who()).toEqual({ who: ROLE });
    c.clock += MINUTE;
    expect(await who()).toEqual({ who: ROLE });
    expect(c.signed).toBe(2);
  });

  it('through createDatabase (DB_IAM_AUTH=true): signs with the environment credentials, refuses an unaccepted token without showing it', async () => {
    // Prepare
    const logger = captureLogger();
    const db = createDatabase({ url: url(), iamAuth: true, iamRegion: 'us-east-1', logger, env: {} });
    const token = rdsSigner(endpoint());
    await accept('not-a-token');
    try {
      // Act: the role's password is not the token the layer signs
      const refused = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);
      // ... then it is: a token signed in the same second with the same credentials is the same token (SigV4), so
      // set it and connect, a few times if a second boundary falls in between
      let accepted: unknown;
      for (let i = 0; i < 5 && !(accepted && !(accepted instanceof Error)); i++) {
        await accept(await token());
        const fresh = createDatabase({ url: url(), iamAuth: true, iamRegion: 'us-east-1', logger, env: {} });
        accepted = await fresh.session((s) => s.query<{ who: string }>('SELECT current_user AS who')).catch((e: unknown) => e);
        await fresh.close();
      }
      // Assess
      expect(refused).toBeInstanceOf(AuthenticationError);
      expect(refused).toMatchObject({ sqlstate: '28P01' });
      expect(accepted).toMatchObject({ rows: [{ who: ROLE }] });
      for (const text of [util.inspect(refused, { depth: 5 }), JSON.stringify(logger.lines), util.inspect(db.config)]) {
        expect(text).not.toContain('X-Amz-Signature');
        expect(text).not.toContain(FAKE_AWS.AWS_SECRET_ACCESS_KEY);
      }
    } finally {
      await db.close();
    }
  });
});

describe('IAM auth configuration', () => {
  const base = { driver: 'pg' as const, iamAuth: true };
  it.each([
    ['a password in the URL', { ...base, url: 'postgres://app:pw@proxy.example:5432/db' }, /must not carry a password/],
    ['no user in the URL', { ...base, url: 'postgres://proxy.example:5432/db' }, /must name the database user/],
    ['another parameter than sslmode', { ...base, url: 'postgres://app@proxy.example:5432/db?application_name=x' }, /sslmode only; got "application_name"/],
    ['an unknown sslmode', { ...base, url: 'postgres://app@proxy.example:5432/db?sslmode=prefer' }, /sslmode must be one of/],
    ['another driver', { ...base, driver: 'neon-ws' as const, url: 'postgres://app@proxy.example:5432/db' }, /driver "pg" only/],
  ])('refuses %s', (_what, input, message) => {
    expect(() => loadConfig(input, {})).toThrow(ConfigError);
    expect(() => loadConfig(input, {})).toThrow(message);
  });

  it('reads DB_IAM_AUTH and DB_IAM_REGION from the environment', () => {
    const c = loadConfig({}, { DATABASE_URL: 'postgres://app@proxy.example:5432/db?sslmode=verify-full', DB_IAM_AUTH: 'true', DB_IAM_REGION: 'eu-west-1' });
    expect(c).toMatchObject({ iamAuth: true, iamRegion: 'eu-west-1' });
  });
});
