// zod validation of a request part. Every failure is a 422 whose message names the field path
// (`body.surfaceSm.3.1`, `query.limit`); all issues are listed in `error.issues`.
import type { z } from 'zod';
import { ApiErrorCode, HttpError, type Issue } from './http-error';

/** At most this many issues are returned (a 121-cell grid of strings would otherwise list 121). */
export const MAX_ISSUES = 20;

export type RequestPart = 'body' | 'query';

export function validate<T extends z.ZodType>(schema: T, value: unknown, part: RequestPart): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, MAX_ISSUES).map((i) => toIssue(i, part));
  const first = issues[0]!;
  const more = result.error.issues.length - 1;
  const message = `${first.path}: ${first.message}${more > 0 ? ` (and ${more} more issue${more === 1 ? '' : 's'})` : ''}`;
  throw new HttpError(422, ApiErrorCode.VALIDATION_FAILED, message, { issues });
}

function toIssue(issue: z.core.$ZodIssue, part: RequestPart): Issue {
  const path = [part, ...issue.path.map(String)];
  // An unknown key is named by its own path, so the message points at it.
  if (issue.code === 'unrecognized_keys') {
    return { path: [...path, issue.keys.join(',')].join('.'), message: 'unknown field' };
  }
  return { path: path.join('.'), message: issue.message };
}
