// A statement's identity without its data: literals and parameters never reach a log line.
import { createHash } from 'node:crypto';

const cache = new Map<string, Fingerprint>();
const CACHE_MAX = 500;

export type Fingerprint = { id: string; text: string };

/** Normalises SQL (literals to ?, whitespace collapsed) and hashes it; the text is truncated. */
export function fingerprint(sql: string): Fingerprint {
  const hit = cache.get(sql);
  if (hit) return hit;
  const normalized = sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\s+/g, ' ')
    .trim();
  const fp = { id: createHash('sha1').update(normalized).digest('hex').slice(0, 16), text: normalized.slice(0, 200) };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(sql, fp);
  return fp;
}
