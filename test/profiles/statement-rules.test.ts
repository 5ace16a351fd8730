// What a caller may send, by scope: transaction control only inside the layer's own transaction handling, no
// session-level settings anywhere, and (direct profile) session state retires the connection instead of pooling it.
import { describe, expect, it } from 'vitest';
import { PROFILES, StatementRefusedError, UnsupportedError } from '../../lib/db';
import { StatementRules, type StatementScope } from '../../lib/db/statement-rules';

const direct = new StatementRules(PROFILES.direct);
const bouncer = new StatementRules(PROFILES.pgbouncer);

function refusedAs(rules: StatementRules, scope: StatementScope, text: string): StatementRefusedError | undefined {
  try {
    rules.admit(scope, text);
    return undefined;
  } catch (err) {
    return err as StatementRefusedError;
  }
}

describe('statement rules', () => {
  it('refuses transaction control as an autocommit statement, naming session.transaction()', () => {
    // Prepare
    const texts = [
      'BEGIN',
      'begin work',
      'START TRANSACTION ISOLATION LEVEL SERIALIZABLE',
      '/* leading comment */ BEGIN',
      'SELECT 1; BEGIN',
      'COMMIT',
      'END',
      'ROLLBACK',
      'ABORT',
      'SAVEPOINT a',
      'RELEASE SAVEPOINT a',
      'ROLLBACK TO SAVEPOINT a',
      "PREPARE TRANSACTION 'x'",
      "COMMIT PREPARED 'x'",
    ];

    // Act
    const errors = texts.map((t) => refusedAs(direct, 'autocommit', t));

    // Assess
    for (const err of errors) {
      expect(err).toBeInstanceOf(StatementRefusedError);
      expect(err).toBeInstanceOf(UnsupportedError);
      expect(err).toMatchObject({ code: 'UNSUPPORTED' });
      expect(err!.message).toContain('session.transaction(');
    }
    expect(errors[0]).toMatchObject({ statement: 'BEGIN' });
    expect(errors[5]).toMatchObject({ statement: 'transaction control' });
  });

  it('refuses transaction control inside a transaction, naming the callback, tx.rollback() and tx.transaction()', () => {
    // Act
    const errors = ['COMMIT', 'ROLLBACK', 'SAVEPOINT s', 'BEGIN', 'end'].map((t) => refusedAs(bouncer, 'transaction', t));

    // Assess
    for (const err of errors) {
      expect(err).toBeInstanceOf(StatementRefusedError);
      expect(err!.message).toContain('tx.rollback()');
      expect(err!.message).toContain('tx.transaction(fn)');
    }
  });

  it('refuses session-level settings in both scopes on every profile, naming SET LOCAL or the configuration', () => {
    // Prepare
    const texts = [
      "SET TIME ZONE '-10'",
      'set search_path = x',
      'SET SESSION statement_timeout = 5',
      'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY',
      'SET SESSION AUTHORIZATION bob',
      'SET ROLE bob',
      'RESET ALL',
      'reset timezone',
      "SELECT set_config('timezone', '-10', false)",
      "SELECT set_config('timezone', $1, $2)",
      "SELECT 1, set_config('a', 'b', true), set_config('c', 'd', false)",
    ];

    // Act
    const verdicts = (['autocommit', 'transaction'] as const).flatMap((scope) =>
      [direct, bouncer].flatMap((rules) => texts.map((t) => refusedAs(rules, scope, t))),
    );

    // Assess
    expect(verdicts.every((e) => e instanceof StatementRefusedError)).toBe(true);
    expect(refusedAs(direct, 'autocommit', 'SET ROLE bob')).toMatchObject({ statement: 'SET ROLE' });
    expect(refusedAs(direct, 'autocommit', "SET TIME ZONE '-10'")!.message).toContain('SET LOCAL inside session.transaction()');
    expect(refusedAs(direct, 'transaction', "SELECT set_config('a', 'b', false)")).toMatchObject({ statement: 'set_config' });
  });

  it('lets through what ends with the transaction, and the same words as data or inside function bodies', () => {
    // Prepare
    const inTransaction = [
      'SET LOCAL statement_timeout = 5',
      'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
      'SET CONSTRAINTS ALL DEFERRED',
      "SELECT set_config('timezone', '-10', true)",
      'UPDATE t SET begin = 1 WHERE id = $1',
      "SELECT 'BEGIN; COMMIT; SET x = 1'",
      'SELECT 1 AS "commit"',
      "DO $$ BEGIN PERFORM 1; END $$",
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3',
    ];

    // Act
    const refused = inTransaction.map((t) => refusedAs(bouncer, 'transaction', t)?.message);

    // Assess
    expect(refused).toEqual(inTransaction.map(() => undefined));
    expect(refusedAs(direct, 'transaction', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; COMMIT')).toBeInstanceOf(
      StatementRefusedError,
    );
  });

  it('retires the connection for session state on the direct profile, where a pooler profile refuses it', () => {
    // Prepare
    const texts = ['LISTEN jobs', 'CREATE TEMP TABLE t (id int)', 'SELECT pg_advisory_lock(1)', 'PREPARE q AS SELECT 1', 'DECLARE c CURSOR WITH HOLD FOR SELECT 1'];

    // Act
    const retired = texts.map((t) => direct.admit('autocommit', t));
    const refused = texts.map((t) => refusedAs(bouncer, 'transaction', t));

    // Assess
    expect(retired).toEqual(texts.map(() => true));
    expect(refused.every((e) => e instanceof StatementRefusedError && e.message.startsWith('pgbouncer profile refuses'))).toBe(true);
    expect(refused[2]).toMatchObject({ statement: 'pg_advisory_lock' });
    expect(direct.admit('autocommit', 'SELECT pg_advisory_xact_lock(1)')).toBe(false);
    expect(direct.admit('transaction', 'INSERT INTO t VALUES (1)')).toBe(false);
  });
});
