/** Number formatting shared by the human-readable reporters. */
export function formatNumber(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const rounded = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit ? `${rounded} ${unit}` : rounded;
}

export function formatRate(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(value < 0.01 && value > 0 ? 3 : 2)} %`;
}

/** A duration given in ms, shown in seconds; `–` when there is none. */
export function formatSeconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : `${formatNumber(ms / 1_000)} s`;
}

/** A fraction (1 = all of it) as a percentage; `–` when there is none. */
export function formatShare(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? '–' : `${formatNumber(fraction * 100)} %`;
}

/** A moment as `2026-12-03 07:25:17 UTC`. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
