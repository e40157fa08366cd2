/** capacity.md: the capacity of each sweep, the headroom and failover verdicts, the scaling curve, the trend, and every step. */
import type { CapacityReport, CapacitySweep } from './capacity-report-schema.ts';

const cell = (value: number | null | undefined, suffix = '') => (value === null || value === undefined ? '–' : `${value}${suffix}`);
const pct = (fraction: number | null) => (fraction === null ? '–' : `${Math.round(fraction * 1000) / 10} %`);

export function capacityMarkdown(report: CapacityReport): string {
  const lines: string[] = [
    `# Capacity: ${report.scenario.name} @ ${report.release}`,
    '',
    `Run \`${report.runId}\` · workload ${report.workload} · rates in ${report.unit} · verdict **${report.verdict}**${report.interrupted ? ' (interrupted: the figures cover the steps that ran)' : ''}`,
    '',
    `Each step held its rate ${report.settings.holdMs / 1000} s after a ${report.settings.warmupMs / 1000} s warm-up and was judged on the hold window: the scenario's thresholds, no dropped arrivals, schedule lag p99 ≤ ${report.settings.lagBoundMs} ms.`,
    '',
    '| Sweep | Capacity | First bad | Knee | What saturated first | Stopped because |',
    '|---|---|---|---|---|---|',
    ...report.sweeps.map(
      (s) =>
        `| ${s.label} | ${s.capacity === null ? 'none' : `${s.atLeast ? '≥ ' : ''}${s.capacity}`}${s.concurrentSessions !== null ? ` (${s.concurrentSessions} concurrent sessions)` : ''} | ${cell(s.firstBad)} | ${cell(s.knee)} | ${s.saturated ? `${s.saturated.component} ${s.saturated.signal}` : '–'} | ${s.stopDetail} |`,
    ),
    '',
  ];
  if (report.headroom) lines.push(`**Headroom** (peak ${report.headroom.peak} ${report.unit}, headroom ${pct(report.headroom.headroom)}): ${report.headroom.text}.`, '');
  if (report.failover) lines.push(`**Failover**: ${report.failover.text}.`, '');
  if (report.trend) lines.push(`**Trend**: ${report.trend.text}.`, '');
  if (report.scaling) {
    lines.push(
      `## Scaling: ${report.scaling.key}`,
      '',
      `| Value | Capacity | Gained per unit added | Efficiency (1 = linear) |`,
      '|---|---|---|---|',
      ...report.scaling.points.map((p) => `| ${p.value} | ${cell(p.capacity)} | ${cell(p.gainPerUnit)} | ${cell(p.efficiency)} |`),
      '',
    );
  }
  for (const sweep of report.sweeps) lines.push(...sweepSection(sweep));
  if (report.errors.length) lines.push('## Errors', '', ...report.errors.map((e) => `- ${e}`), '');
  return `${lines.join('\n')}\n`;
}

function sweepSection(sweep: CapacitySweep): string[] {
  return [
    `## ${sweep.label}`,
    '',
    sweep.saturated ? `What saturated first: ${sweep.saturated.detail}.` : 'What saturated first: no signal was measured.',
    '',
    '| # | Phase | Offered | Achieved | p50 ms | p95 ms | p99 ms | Lag p99 ms | Dropped | Result | Top signals |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...sweep.steps.map((s) => {
      const top = s.signals
        .filter((g) => g.level !== null)
        .sort((a, b) => b.level! - a.level!)
        .slice(0, 3)
        .map((g) => `${g.component} ${g.signal} ${g.value} ${g.unit}`)
        .join('; ');
      const result = s.pass ? 'pass' : `${s.limitedBy}: ${s.failures.join('; ')}`;
      return `| ${s.index + 1} | ${s.phase} | ${s.offered} | ${s.achieved} | ${cell(s.p50Ms)} | ${cell(s.p95Ms)} | ${cell(s.p99Ms)} | ${cell(s.lagP99Ms)} | ${s.dropped} | ${result} | ${top || '–'} |`;
    }),
    '',
  ];
}
