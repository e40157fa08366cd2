/**
 * k6 output written by tests from known samples: JSON output lines (`Metric` and `Point`, as `k6 run --out json`
 * writes them) and a `--summary-export` file, so `drill import k6` can be checked against the samples themselves.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface KnownSample {
  metric: string;
  value: number;
  /** Epoch ms. */
  atMs: number;
  tags: Record<string, string>;
}

const metricTypes: Record<string, [string, string]> = {
  reply_latency: ['trend', 'time'],
  reply_latency_uncorrected: ['trend', 'time'],
  replies_missing: ['rate', 'default'],
  iterations: ['counter', 'default'],
  dropped_iterations: ['counter', 'default'],
  vus: ['gauge', 'default'],
};

/** One runner's JSON output; gzip it when the name ends in .gz. */
export function writeJsonOutput(file: string, samples: KnownSample[]): void {
  const lines: string[] = [];
  const declared = new Set<string>();
  for (const sample of samples) {
    if (!declared.has(sample.metric)) {
      declared.add(sample.metric);
      const [type, contains] = metricTypes[sample.metric] ?? ['counter', 'default'];
      lines.push(
        JSON.stringify({
          type: 'Metric',
          data: { name: sample.metric, type, contains, thresholds: [], submetrics: null },
          metric: sample.metric,
        }),
      );
    }
    const time = new Date(sample.atMs).toISOString().replace('Z', '123456+00:00'); // k6 writes ns and an offset
    lines.push(JSON.stringify({ type: 'Point', data: { time, value: sample.value, tags: sample.tags }, metric: sample.metric }));
  }
  const text = `${lines.join('\n')}\n`;
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(text) : text);
}

/** k6's nearest-rank-with-interpolation percentile, as its summary computes it. */
function k6Percentile(sorted: number[], p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export function trendSummary(values: number[], thresholds?: Record<string, boolean>): Record<string, unknown> {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    min: sorted[0],
    med: k6Percentile(sorted, 50),
    max: sorted.at(-1),
    'p(90)': k6Percentile(sorted, 90),
    'p(95)': k6Percentile(sorted, 95),
    'p(99)': k6Percentile(sorted, 99),
    count: values.length,
    ...(thresholds ? { thresholds } : {}),
  };
}

export function writeSummary(file: string, metrics: Record<string, Record<string, unknown>>): void {
  writeFileSync(
    file,
    JSON.stringify(
      { root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: {}, checks: {} }, metrics },
      null,
      4,
    ),
  );
}
