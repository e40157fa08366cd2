/**
 * What a chart of an HTML page shows, as data: the page's script draws it with uPlot in the browser. A spec is
 * plain JSON (it is embedded in the page), so every page kind builds its charts the same way.
 */

/** Okabe–Ito: eight colours that stay apart for the common colour-vision deficiencies (and in greyscale with dashes). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const;

/** Dash patterns cycled with the palette, so lines also differ without colour (print, monochrome). */
export const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 2], [10, 3, 2, 3]];

export interface ChartSeries {
  label: string;
  /** One value per x; null is a gap. */
  values: (number | null)[];
  /** `y` (left axis, default) or `y2` (right axis). */
  scale?: 'y' | 'y2';
  /** CSS colour; by default the palette in order. */
  color?: string;
  dash?: readonly number[];
  /** Draws steps instead of straight lines (levels such as 0/1 states). */
  stepped?: boolean;
}

export interface ChartAxis {
  label: string;
  /** `seconds` (offset from the load start), `percentile` (x = 1 / (1 − q)), `integer` (counted things: ticks only at whole numbers), or a plain number. */
  format?: 'seconds' | 'percentile' | 'number' | 'percent' | 'integer';
  log?: boolean;
  /** Lowest value shown (default: from the data; 0 for linear y axes). */
  min?: number;
}

/** A shaded x range: a fault window, a drill step until recovery, or a phase (drawn as a labelled strip). */
export interface ChartBand {
  kind: 'fault' | 'step' | 'phase';
  from: number;
  to: number;
  label: string;
}

/** A vertical line at one x: a step action, a recovery, an abort. */
export interface ChartMark {
  kind: 'action' | 'recovery' | 'failure';
  at: number;
  label: string;
}

export interface ChartSpec {
  /** Unique in the page; the figure's id. */
  id: string;
  title: string;
  x: ChartAxis;
  y: ChartAxis;
  y2?: ChartAxis;
  xValues: number[];
  series: ChartSeries[];
  bands?: ChartBand[];
  marks?: ChartMark[];
  /** Height of the plot area, CSS px (default 260). */
  heightPx?: number;
}

/** Gives each series without a colour (or dash) the next of the palette. */
export function withPalette(series: ChartSeries[]): ChartSeries[] {
  return series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length]!, dash: s.dash ?? DASHES[i % DASHES.length]! }));
}
