// pg_stat_activity.query holds the literal SQL another session sent, values included. Before it reaches a
// report it is reduced to a fingerprint. fingerprint() replaces quoted strings, numbers and $n; this pass first
// removes what its patterns do not see, using the layer's lexer: dollar-quoted bodies, E'' strings with
// backslash escapes, comments (they can carry values too), and a literal cut open by track_activity_query_size.
import { fingerprint, type Fingerprint } from '../fingerprint';
import { segments } from '../sql-scan';

/** The fingerprint of a query text from pg_stat_activity: no literal survives. Null for an empty text. */
export function activityFingerprint(query: string | null | undefined): Fingerprint | null {
  if (query === null || query === undefined || query.trim() === '') return null;
  return fingerprint(stripLiterals(query));
}

/** Every literal (any quoting, also unterminated) becomes ?, every comment a space; quoted identifiers stay. */
export function stripLiterals(sql: string): string {
  return segments(sql)
    .map((s) => {
      if (s.code || s.text.startsWith('"')) return s.text;
      return s.text.startsWith('--') || s.text.startsWith('/*') ? ' ' : '?';
    })
    .join('');
}
