// No credentials in any error text: a password from the URL never shows in a failed connect's error (message,
// stack, String, JSON, inspect, cause chain), in a log line, in the config or in the database object, even when
// the server's own message quotes it.
import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { DbError, type Database } from '../../lib/db';
import { adminOf, supports, targets, tcpOf, useTarget } from '../support/drivers';
import { captureLogger } from '../support/logger';
import { randomName } from '../support/postgres';

/** Every way an error or object is commonly rendered, the cause chain included. */
function renderings(value: unknown): string[] {
  const out = [String(value), JSON.stringify(value) ?? '', util.inspect(value, { depth: 10 })];
  for (let e: unknown = value, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    out.push(e.message, e.stack ?? '', String(e), JSON.stringify(e) ?? '');
  }
  return out;
}

function expectNowhere(secret: string, ...values: unknown[]): void {
  for (const value of values) for (const text of renderings(value)) expect(text).not.toContain(secret);
}

describe.each(targets)('no credentials in errors ($name)', (target) => {
  const h = useTarget(target);

  async function roleWithPassword() {
    const admin = adminOf(h());
    const role = randomName('secretive');
    const password = `pw-${randomName('S3cr3t')}`;
    await admin.server(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    return { role, password, drop: () => admin.server(`DROP ROLE IF EXISTS ${role}`) };
  }

  it('keeps the password out of a failed connect (wrong database), its logs, the config and the database object', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'serverAdmin', probe) || !supports(target, 'tcp', probe)) return;
    const { role, password, drop } = await roleWithPassword();
    const tcp = tcpOf(h());
    const logger = captureLogger();
    const dbs: Database[] = [
      h().createDb({ ...tcp.via(tcp.endpoint, { user: role, password, database: randomName('missing') }), logger }),
      // the password of another (wrong) credential too
      h().createDb({ ...tcp.via(tcp.endpoint, { user: role, password: `${password}-wrong`, database: randomName('missing') }), logger }),
    ];

    try {
      // Act
      const errors = await Promise.all(dbs.map((db) => db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e)));

      // Assess
      for (const err of errors) expect(err).toBeInstanceOf(DbError);
      expect(logger.lines.length).toBeGreaterThan(0);
      expectNowhere(password, ...errors, ...logger.lines, ...dbs, ...dbs.map((db) => db.config), ...dbs.map((db) => db.stats()));
      for (const db of dbs) expect(JSON.stringify(db.config)).not.toContain(password);
    } finally {
      await drop();
    }
  });

  it('redacts the password when the server quotes it back in an error', async () => {
    // Prepare
    const probe = h().createDb();
    if (!supports(target, 'serverAdmin', probe) || !supports(target, 'tcp', probe)) return;
    const { role, password, drop } = await roleWithPassword();
    const tcp = tcpOf(h());
    const logger = captureLogger();
    const db = h().createDb({ ...tcp.via(tcp.endpoint, { user: role, password }), logger });

    try {
      // Act: the server's message for a bad integer quotes the literal, i.e. the password
      const err = await db.session((s) => s.query(`SELECT '${password}'::int`)).catch((e: unknown) => e);

      // Assess
      expect(err).toBeInstanceOf(DbError);
      expect(err).toMatchObject({ sqlstate: '22P02' });
      expect((err as Error).message).toContain('***');
      expectNowhere(password, err, ...logger.lines);
    } finally {
      await db.close();
      await drop();
    }
  });
});
