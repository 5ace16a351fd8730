// Statements each profile refuses: session state through a transaction pooler; anything that pins RDS Proxy; and,
// on every profile, session-level settings (statement-rules.ts). Only code counts: the same words inside literals,
// identifiers or comments are data.
import { describe, expect, it } from 'vitest';
import { PROFILES, refusal } from '../../lib/db';

const refused = (profile: keyof typeof PROFILES, text: string) => refusal(PROFILES[profile], text) !== undefined;

describe('profile statement refusals', () => {
  it('refuses session state behind PgBouncer and allows transaction-scoped equivalents', () => {
    // Act
    const verdicts = {
      sessionSet: refused('pgbouncer', 'SET search_path = x'),
      sessionSetAfterBegin: refused('pgbouncer', 'BEGIN; SET statement_timeout = 5'),
      reset: refused('pgbouncer', 'RESET ALL'),
      listen: refused('pgbouncer', 'LISTEN jobs'),
      prepare: refused('pgbouncer', 'PREPARE q AS SELECT 1'),
      temp: refused('pgbouncer', 'CREATE TEMP TABLE t (id int)'),
      sessionLock: refused('pgbouncer', 'SELECT pg_try_advisory_lock(1)'),
      setLocal: refused('pgbouncer', 'SET LOCAL statement_timeout = 5'),
      setTransaction: refused('pgbouncer', 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'),
      xactLock: refused('pgbouncer', 'SELECT pg_advisory_xact_lock(1)'),
      update: refused('pgbouncer', 'UPDATE t SET x = 1 WHERE id = $1'),
      upsert: refused('pgbouncer', 'INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET x = 2'),
      nextval: refused('pgbouncer', "SELECT nextval('s')"),
    };

    // Assess
    expect(verdicts).toEqual({
      sessionSet: true, sessionSetAfterBegin: true, reset: true, listen: true, prepare: true, temp: true, sessionLock: true,
      setLocal: false, setTransaction: false, xactLock: false, update: false, upsert: false, nextval: false,
    });
  });

  it('refuses everything that pins behind RDS Proxy', () => {
    // Act
    const verdicts = [
      'BEGIN; SET LOCAL statement_timeout = 5',
      "SELECT set_config('statement_timeout', '5', true)",
      "SELECT nextval('s')",
      "SELECT currval('s')",
      'SELECT pg_advisory_xact_lock(1)',
      'DECLARE c CURSOR FOR SELECT 1',
      'DISCARD ALL',
      'CREATE TEMPORARY TABLE t (id int)',
    ].map((text) => refused('rds-proxy', text));

    // Assess
    expect(verdicts.every(Boolean)).toBe(true);
    expect(refusal(PROFILES['rds-proxy'], "SELECT nextval('s')")).toContain('RETURNING');
  });

  it('ignores the same words inside literals, quoted identifiers and comments, and refuses only session settings when direct', () => {
    // Act
    const data = [
      "SELECT 'SET search_path = x'",
      'SELECT 1 AS "nextval(" -- SET x = 1',
      '/* LISTEN x */ SELECT $$ SET y = 2 $$',
      "INSERT INTO logs VALUES (E'it\\'s; SET z = 3')",
    ].map((text) => refused('rds-proxy', text));
    const direct = ['SET search_path = x', 'LISTEN jobs', "SELECT nextval('s')"].map((text) => refused('direct', text));

    // Assess
    expect(data).toEqual([false, false, false, false]);
    expect(direct).toEqual([true, false, false]);
  });
});
