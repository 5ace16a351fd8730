// Query texts from pg_stat_activity carry other sessions' values: the report keeps only a fingerprint in which
// no literal survives, whatever the quoting, and also when the server cut the text mid-literal.
import { describe, expect, it } from 'vitest';
import { activityFingerprint } from '../../lib/db';

describe('activity query fingerprint', () => {
  it.each([
    ["SELECT * FROM miners WHERE hotkey = 'hk-secret-1' AND uid = 42", 'SELECT * FROM miners WHERE hotkey = ? AND uid = ?', ['hk-secret-1', '42']],
    ["SELECT $tag$hk-secret-2$tag$, $$also-secret$$", 'SELECT ?, ?', ['hk-secret-2', 'also-secret']],
    ["SELECT E'it\\'s hk-secret-3'", 'SELECT E?', ['hk-secret-3', "it"]],
    ['SELECT 1 /* token=hk-secret-4 */ -- password hk-secret-5\nFROM t', 'SELECT ? FROM t', ['hk-secret-4', 'hk-secret-5']],
    ["INSERT INTO t VALUES ('hk-secret-6 cut by track_activity_query_si", 'INSERT INTO t VALUES (?', ['hk-secret-6']],
    ['UPDATE "Weights" SET v = $1 WHERE "uid" = $2', 'UPDATE "Weights" SET v = ? WHERE "uid" = ?', []],
  ])('%s', (query, expected, secrets) => {
    // Act
    const fp = activityFingerprint(query)!;
    // Assess
    expect(fp.text).toBe(expected);
    expect(fp.id).toMatch(/^[0-9a-f]{16}$/);
    for (const s of secrets) expect(fp.text).not.toContain(s);
  });

  it('gives the same id to the same statement with different values', () => {
    // Act
    const a = activityFingerprint("SELECT * FROM t WHERE k = 'a' AND n = 1");
    const b = activityFingerprint("SELECT * FROM t WHERE k = 'bbb' AND n = 22");
    // Assess
    expect(a!.id).toBe(b!.id);
  });

  it('has no fingerprint for an empty text', () => {
    expect(activityFingerprint('')).toBeNull();
    expect(activityFingerprint(null)).toBeNull();
  });
});
