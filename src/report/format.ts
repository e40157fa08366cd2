/** Number formatting shared by the human-readable reporters. */
export function formatNumber(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const rounded = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit ? `${rounded} ${unit}` : rounded;
}

export function formatRate(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(value < 0.01 && value > 0 ? 3 : 2)} %`;
}
