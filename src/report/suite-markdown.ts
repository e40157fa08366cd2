/** The suite report for people: the verdict, one line per drill, then the trend of each drill across suites. */
import { formatSeconds as seconds, formatShare as share } from './format.ts';
import type { SuiteReport } from './suite-report.ts';

export function renderSuiteMarkdown(suite: SuiteReport): string {
  const lines = [
    `# Monthly drills · release ${suite.release} · ${suite.verdict.toUpperCase()}`,
    '',
    `Suite \`${suite.suiteId}\` · ${new Date(suite.startedAtMs).toISOString()} · ${seconds(suite.endedAtMs - suite.startedAtMs)} · runtime ${suite.runtime}`,
    '',
    '| drill | verdict | duration | recovery | error budget used | why |',
    '|---|---|---|---|---|---|',
  ];
  for (const d of suite.drills) {
    const recovery = d.recoveries.map((r) => `${r.step} ${r.recoveryMs === undefined ? 'not recovered' : seconds(r.recoveryMs)}`).join('; ') || '–';
    const budget = d.errorBudget.map((b) => `${b.sli} ${share(b.consumed)}`).join('; ') || '–';
    lines.push(`| ${d.name} | ${d.verdict} | ${seconds(d.durationMs)} | ${recovery} | ${budget} | ${d.reasons.join('; ') || '–'} |`);
  }
  const names = [...new Set(suite.trend.flatMap((p) => Object.keys(p.drills)))];
  lines.push('', `## Trend (${suite.trend.length} suite${suite.trend.length === 1 ? '' : 's'})`, '');
  lines.push(`| suite | release | ${names.map((n) => `${n}: verdict · recovery · budget`).join(' | ')} |`, `|---|---|${names.map(() => '---').join('|')}|`);
  for (const point of suite.trend) {
    const cells = names.map((n) => {
      const d = point.drills[n];
      return d ? `${d.verdict} · ${seconds(d.recoveryMs)} · ${share(d.budgetConsumed)}` : '–';
    });
    lines.push(`| ${new Date(point.startedAtMs).toISOString().slice(0, 10)} ${point.suiteId} | ${point.release} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
