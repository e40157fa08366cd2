/**
 * Durations as written in scenario files ("250ms", "30s", "5m", "1h", "1m30s") converted to milliseconds.
 * Conversion happens once, at load time; everything past the loader speaks milliseconds.
 */
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(us|ms|s|m|h)/g;

/** Returns milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, value, unit] of trimmed.matchAll(PART)) total += Number(value) * (UNIT_MS[unit!] ?? Number.NaN);
  return Number.isFinite(total) ? total : undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)}us`;
  if (ms < 1_000) return `${Number(ms.toFixed(1))}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(2))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
}
