import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['500us', 0.5],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['30x', '30', 's', '', '1m 30s', '-5s', '5 s'])('refuses "%s"', (text) => expect(parseDuration(text)).toBeUndefined());

  it('formats back into readable units', () => {
    expect([formatDuration(0.5), formatDuration(250), formatDuration(1_500), formatDuration(90_000)]).toEqual(['500us', '250ms', '1.5s', '1m30s']);
  });
});
