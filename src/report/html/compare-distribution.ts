/**
 * The overlaid latency distributions of a comparison: for each judged latency SLI of the whole load, the pooled
 * baseline and candidate HdrHistograms as one percentile chart each (log scales, one series per side).
 */
import type { ComparisonResult } from '../../compare/release-comparison.ts';
import type { ReportPool } from '../../compare/report-pool.ts';
import type { LatencyHistogram } from '../../load/latency-histogram.ts';
import type { ChartSpec } from './chart-spec.ts';
import type { TableSpec } from './html-table.ts';
import { PERCENTILE_AXIS, PERCENTILE_HEAD, PERCENTILE_XS, percentileRow, percentileValues } from './latency-distribution.ts';

export interface ComparedPools {
  baseline: ReportPool;
  candidate: ReportPool;
}

function pooledHistogram(pool: ReportPool, sli: string): LatencyHistogram | undefined {
  const pooled = pool.windows.find((w) => w.name === 'run')?.slis.get(sli);
  return pooled?.kind === 'trend' && pooled.histogram.count > 0 ? pooled.histogram : undefined;
}

/** One chart per latency SLI that is judged (weight above 0) and has samples on at least one side. */
export function comparisonDistributions(result: ComparisonResult, pools: ComparedPools): { spec: ChartSpec; figures: TableSpec }[] {
  const latency = result.slis.filter((s) => s.phase === 'run' && s.kind === 'trend' && s.weight > 0);
  return latency.flatMap((s) => {
    const sides = [
      { label: `baseline ${result.baseline.release}`, histogram: pooledHistogram(pools.baseline, s.sli) },
      { label: `candidate ${result.candidate.release}`, histogram: pooledHistogram(pools.candidate, s.sli) },
    ].filter((side): side is { label: string; histogram: LatencyHistogram } => side.histogram !== undefined);
    if (sides.length === 0) return [];
    const spec: ChartSpec = {
      id: `chart-distribution-${s.sli}`,
      title: `Latency distribution: ${s.sli}, baseline and candidate`,
      x: PERCENTILE_AXIS,
      y: { label: s.unit, log: true },
      xValues: [...PERCENTILE_XS],
      series: sides.map((side) => ({ label: `${side.label} (n=${side.histogram.count})`, values: percentileValues(side.histogram) })),
      heightPx: 300,
    };
    const figures: TableSpec = {
      caption: `${s.sli} at each percentile, baseline and candidate, ${s.unit}`,
      head: ['side', ...PERCENTILE_HEAD],
      rows: sides.map((side) => [side.label, ...percentileRow(side.histogram)]),
      numeric: [1, 2, 3, 4, 5, 6],
    };
    return [{ spec, figures }];
  });
}
