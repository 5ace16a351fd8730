// A small SQL lexer: tells code apart from string literals, quoted identifiers, comments and dollar-quoted bodies,
// so placeholder rewriting and the proxy-profile checks never look inside data.

export type Segment = { code: boolean; text: string };

/** Splits SQL into code and non-code segments; concatenating the texts gives the input back. */
export function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let codeStart = 0;
  let i = 0;
  while (i < sql.length) {
    const end = skipNonCode(sql, i);
    if (end === i) {
      i++;
      continue;
    }
    if (i > codeStart) out.push({ code: true, text: sql.slice(codeStart, i) });
    out.push({ code: false, text: sql.slice(i, end) });
    i = end;
    codeStart = end;
  }
  if (codeStart < sql.length) out.push({ code: true, text: sql.slice(codeStart) });
  return out;
}

/** The SQL with every literal, quoted identifier and comment replaced by one space (statement shape only). */
export function codeOnly(sql: string): string {
  return segments(sql)
    .map((s) => (s.code ? s.text : ' '))
    .join('');
}

/** Rewrites every `$n` placeholder in code (never inside literals or comments). */
export function rewritePlaceholders(sql: string, replace: (index: number) => string): string {
  return segments(sql)
    // Not inside an identifier: `a$1` is a name in PostgreSQL, not a placeholder.
    .map((s) => (s.code ? s.text.replace(/(?<![A-Za-z0-9_$])\$(\d+)(?![\d$])/g, (_, n: string) => replace(Number(n))) : s.text))
    .join('');
}

/** Index just past the literal, identifier, comment or dollar-quoted body starting at i; i when none starts there. */
function skipNonCode(sql: string, i: number): number {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === "'") {
    // E'...' honours backslash escapes; a standard string only doubles the quote.
    const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_$]/.test(sql[i - 2] ?? '');
    return skipQuoted(sql, i, "'", escapes);
  }
  if (c === '"') return skipQuoted(sql, i, '"', false);
  if (c === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (c === '/' && next === '*') return skipBlockComment(sql, i);
  if (c === '$' && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
    // $tag$ ... $tag$ (a tag never starts with a digit, so $1 is a placeholder, not a quote).
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
    if (tag) {
      const end = sql.indexOf(tag, i + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  return i;
}

function skipQuoted(sql: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (escapes && sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
