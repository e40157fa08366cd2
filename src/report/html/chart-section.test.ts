import { describe, expect, it } from 'vitest';
import { chartSection, seriesFigures } from './chart-section.ts';
import type { ChartSpec } from './chart-spec.ts';
import { jsonForScript } from './html-text.ts';

const spec: ChartSpec = {
  id: 'c',
  title: 'Latency <p99>',
  x: { label: 's', format: 'seconds' },
  y: { label: 'ms' },
  xValues: [0, 1, 2],
  series: [
    { label: 'p50', values: [1, null, 4] },
    { label: 'empty', values: [null, null, null] },
  ],
};

describe('chart section', () => {
  it('derives min, mean, max and where the max is, skipping gaps', () => {
    expect(seriesFigures(spec).rows).toEqual([
      ['p50', 'ms', '1.00', '2.50', '4.00', '2.00 s'],
      ['empty', 'ms', '–', '–', '–', '–'],
    ]);
  });

  it('escapes titles and embedded JSON, and gives every series a palette colour', () => {
    const html = chartSection({ ...spec, series: [...spec.series, { label: '</script><b>', values: [1, 2, 3] }] });
    expect(html).toContain('<h2>Latency &lt;p99&gt;</h2>');
    expect(html).not.toContain('</script><b>');
    const json = html.match(/<script type="application\/json" class="chart-spec">(.*?)<\/script>/s)![1]!;
    const parsed = JSON.parse(json) as ChartSpec;
    expect(parsed.series.map((s) => s.color)).toEqual(['#0072B2', '#E69F00', '#009E73']);
    expect(parsed.series[2]!.label).toBe('</script><b>');
    expect(jsonForScript('</script>')).toBe('"\\u003c/script>"');
  });

  it('says there is no data instead of drawing an empty chart', () => {
    const html = chartSection({ ...spec, series: [spec.series[1]!] });
    expect(html).toContain('No data recorded');
    expect(html).not.toContain('data-chart');
  });
});
