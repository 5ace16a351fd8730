// Against a server that checks passwords: a wrong password is an AuthenticationError (28P01, not retryable), the
// right one (with URL-special characters) connects, and neither password shows in any error, log, config or
// database rendering.
import util from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../lib/db';
import { supports, targets, tcpOf, useTarget } from '../support/drivers';
import { captureLogger } from '../support/logger';
import { randomName } from '../support/postgres';
import { startCluster, type Cluster } from '../support/cluster';

const ROLE = randomName('authrole');
const PASSWORD = `S3cr:t/@%?-${randomName('pw')}`;
const WRONG = `${PASSWORD}-wrong`;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ password: 'cluster-admin' });
  await cluster.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
});

afterAll(async () => {
  await cluster?.close();
});

function renderings(value: unknown): string[] {
  const out = [String(value), JSON.stringify(value) ?? '', util.inspect(value, { depth: 10 })];
  for (let e: unknown = value, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) out.push(e.message, e.stack ?? '');
  return out;
}

describe.each(targets)('password authentication ($name)', (target) => {
  const h = useTarget(target);

  it('refuses a wrong password with AuthenticationError and never shows either password', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'tcp', probe)) return;
    const logger = captureLogger();
    const at = (password: string) =>
      h().createDb({ ...tcpOf(h()).via(cluster.endpoint, { user: ROLE, password, database: 'postgres' }), logger, applicationName: 'auth-test' });
    const wrong = at(WRONG);
    const right = at(PASSWORD);

    // Act
    const err = await wrong.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);
    const ok = await right.session((s) => s.query<{ who: string }>('SELECT current_user AS who'));

    // Assess
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ code: 'AUTHENTICATION_FAILED', sqlstate: '28P01', retryable: false });
    expect(ok.rows).toEqual([{ who: ROLE }]);
    for (const value of [err, ...logger.lines, wrong, right, wrong.config, right.config, wrong.stats()]) {
      for (const text of renderings(value)) {
        expect(text).not.toContain(PASSWORD); // WRONG contains PASSWORD: one check covers both
      }
    }
  });
});
