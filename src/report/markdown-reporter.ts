/**
 * Writes report.md: the verdict first, then thresholds against observations, then the SLIs of each phase,
 * then the timeline. Meant to be read in ten seconds.
 */
import path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.ts';
import { formatNumber, formatRate } from './format.ts';
import { renderPlaybookSections } from './playbook-markdown.ts';
import type { Reporter } from './reporter.ts';
import type { Report, SliValue } from './report-schema.ts';

const VERDICT_LINE: Record<Report['verdict'], string> = {
  pass: '**PASS**: every threshold held.',
  fail: '**FAIL**: at least one threshold was breached.',
  'not-steady': '**NOT STEADY**: the steady state did not hold before the method; nothing was done to the stack.',
  aborted: '**ABORTED**: an abortOnFail threshold or probe was breached and the load (and method) stopped early.',
  interrupted: '**INTERRUPTED**: the run was stopped by a signal; figures cover the load until then.',
  error: '**ERROR**: the harness failed; see errors below.',
};

export function describeSli(value: SliValue): string {
  switch (value.kind) {
    case 'trend':
      return value.count
        ? `p50 ${formatNumber(value.percentiles?.p50)} · p95 ${formatNumber(value.percentiles?.p95)} · p99 ${formatNumber(value.percentiles?.p99)} · max ${formatNumber(value.max)} ${value.unit} (n=${value.count})`
        : 'no samples';
    case 'rate':
      return `${formatRate(value.rate)} (${value.count} of ${value.total} ${value.unit})`;
    case 'counter':
      return `${formatNumber(value.count)} ${value.unit} (${formatNumber(value.rate)}/s)`;
    case 'gauge':
      return `last ${formatNumber(value.value)} · max ${formatNumber(value.max)} · avg ${formatNumber(value.avg)} ${value.unit}`;
  }
}

export function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  const seconds = (report.endedAtMs - report.startedAtMs) / 1_000;
  lines.push(`# ${report.scenario.name} · release ${report.release}`, '', VERDICT_LINE[report.verdict], '');
  lines.push(
    `Run \`${report.runId}\` · ${new Date(report.startedAtMs).toISOString()} · ${seconds.toFixed(1)} s · runtime ${report.runtime} · seed ${report.seed}`,
    `Load: ${report.load.executor}, ${report.load.arrivals} arrivals at ${formatNumber(report.load.achievedRate)}/s (target ${formatNumber(report.load.targetRate)}/s), ${report.load.dropped} dropped`,
    '',
  );
  if (report.thresholds.length) {
    lines.push('## Thresholds', '', '| | SLI | threshold | observed | phase |', '|---|---|---|---|---|');
    for (const t of report.thresholds) {
      const unit = report.slis[t.sli]?.unit ?? '';
      lines.push(`| ${t.pass ? '✅' : '❌'} | ${t.sli} | \`${t.expression}\` | ${t.observed === null ? (t.note ?? '–') : formatNumber(t.observed, t.expression.startsWith('rate') ? '' : unit)} | ${t.phase} |`);
    }
    lines.push('');
  }
  if (report.steps.length) {
    lines.push('## Drill steps', '', '| | step | action | t | recovery | checks |', '|---|---|---|---|---|---|');
    for (const step of report.steps) {
      const checks = step.checks.map((c) => `${c.target}${c.passedAfterMs !== undefined ? ` after ${formatNumber(c.passedAfterMs / 1_000)} s` : `: ${c.last ?? 'no answer'}`}`).join('; ');
      const recovery = step.recoveryMs !== undefined ? `${formatNumber(step.recoveryMs / 1_000)} s` : (step.error ?? 'not recovered');
      // An action's answer (status, exit code, replicas) follows its checks.
      const answered = [checks, step.detail?.split('\n')[0]?.slice(0, 120)].filter(Boolean).join('; ');
      lines.push(`| ${step.pass ? '✅' : '❌'} | ${step.name} | ${step.action} ${step.service}${step.release ? ` → ${step.release}` : ''} | ${formatNumber(step.tMs / 1_000)} s | ${recovery} | ${answered || '–'} |`);
    }
    lines.push('');
  }
  lines.push(...renderPlaybookSections(report));
  if (report.duplicateReplies?.length) {
    lines.push('## Messages answered more than once', '', '| message (recipient\\|timestamp) | replies |', '|---|---|');
    for (const d of report.duplicateReplies) lines.push(`| ${d.message.replace('|', '\\|')} | ${d.replies} |`);
    lines.push('');
  }
  lines.push('## SLIs', '', '| SLI | value |', '|---|---|');
  for (const [name, value] of Object.entries(report.slis)) lines.push(`| ${name} | ${describeSli(value)} |`);
  lines.push('');
  if (report.phases.length > 1) {
    lines.push('## Phases', '');
    for (const phase of report.phases) {
      lines.push(`### ${phase.name} (${formatNumber(phase.startMs / 1_000)}–${formatNumber(phase.endMs / 1_000)} s)`, '', '| SLI | value |', '|---|---|');
      for (const [name, value] of Object.entries(phase.slis)) lines.push(`| ${name} | ${describeSli(value)} |`);
      lines.push('');
    }
  }
  if (report.timeline.length) {
    lines.push('## Timeline', '', '| t | source | event | target | detail |', '|---|---|---|---|---|');
    for (const e of report.timeline) {
      const measured = e.measured ? ` (measured ${Object.entries(e.measured).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')})` : '';
      lines.push(`| ${formatNumber(e.tMs / 1_000)} s | ${e.source} | ${e.type} | ${e.target ?? ''} | ${(e.detail ?? '') + measured} |`);
    }
    lines.push('');
  }
  lines.push('## Services', '', '| service | kind | release | source | CPU s | RSS MiB |', '|---|---|---|---|---|---|');
  for (const s of report.services) {
    lines.push(`| ${s.name} | ${s.kind} | ${s.release} | ${s.source} | ${formatNumber(s.cpuSeconds)} | ${s.rssBytes ? formatNumber(s.rssBytes / 1_048_576) : '–'} |`);
  }
  if (report.errors.length) lines.push('', '## Errors', '', ...report.errors.map((e) => `- ${e}`));
  return `${lines.join('\n')}\n`;
}

export class MarkdownReporter implements Reporter {
  async onRunEnd(report: Report, runDir: string): Promise<void> {
    await writeFileAtomic(path.join(runDir, 'report.md'), renderMarkdown(report));
  }

  onHardStop(report: Report, runDir: string): void {
    writeFileAtomicSync(path.join(runDir, 'report.md'), renderMarkdown(report));
  }
}
