import { describe, expect, it } from 'vitest';
import { showJson } from '../api-error.ts';
import { nestsDeeperThan } from './request-body.ts';

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestsDeeperThan('[{"a": [1]}]', 3)).toBe(false);
    expect(nestsDeeperThan('[{"a": [[1]]}]', 3)).toBe(true);
    expect(nestsDeeperThan('{"name": "[[[[[[[[", "x": "\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 32)).toBe(true);
  });
});

describe('showJson', () => {
  it('cuts a long value and says how long it was', () => {
    expect(showJson('abc')).toBe('"abc"');
    expect(showJson('x'.repeat(200))).toMatch(/^"x{79}… \(202 characters\)$/);
  });
});
