// Per-text verdicts: decided once per statement text, and bounded.
import { describe, expect, it } from 'vitest';
import { memoByText } from '../../lib/db/text-memo';

describe('memoByText', () => {
  it('decides once per text, including falsy verdicts', () => {
    const asked: string[] = [];
    const isInsert = memoByText((t) => {
      asked.push(t);
      return t.startsWith('INSERT');
    });
    expect([isInsert('INSERT 1'), isInsert('SELECT 1'), isInsert('INSERT 1'), isInsert('SELECT 1')]).toEqual([true, false, true, false]);
    expect(asked).toEqual(['INSERT 1', 'SELECT 1']);
  });

  it('starts over when full instead of growing without limit', () => {
    const asked: string[] = [];
    const length = memoByText((t) => {
      asked.push(t);
      return t.length;
    }, 2);
    length('a');
    length('bb');
    length('ccc'); // full: cleared, then kept
    length('a'); // forgotten: decided again
    length('ccc'); // still known
    expect(asked).toEqual(['a', 'bb', 'ccc', 'a']);
  });
});
