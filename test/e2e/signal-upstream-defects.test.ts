/**
 * The two drills of upstream defects, on local processes: each passes on the default releases because the
 * defect shows, and fails, for the reason it names, on the release profile that fixes it.
 * - scenarios/signal-groups.yaml: group replies go to the raw group id, fail with 400 and open the bot's
 *   /v2/send breaker (bot 1.4.0); bot 1.4.0-fixed replies to "group." + base64 and keeps it closed.
 * - scenarios/signal-slow-replica.yaml: one stopped replica stalls the bridge's shared write mutex (bridge
 *   0.100); bridge 0.100-fanout-fix writes each socket on its own, so the other replica keeps answering.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

/** A copy of a shipped scenario with one text replaced (a release), in a folder of its own. */
function variant(file: string, from: string, to: string): string {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-variant-')), path.basename(file));
  writeFileSync(copy, text.replace(from, to));
  return copy;
}

function failed(report: Report): string[] {
  return report.thresholds.filter((t) => !t.pass).map((t) => `${t.sli}${t.phase === 'run' ? '' : `{phase:${t.phase}}`} ${t.expression}`);
}

describe('drills of upstream defects', () => {
  it.concurrent.each([
    {
      drill: 'signal-groups: on bot 1.4.0 the group replies open the /v2/send breaker; 1.4.0-fixed keeps it closed',
      file: 'scenarios/signal-groups.yaml',
      fix: ['release: 1.4.0', 'release: 1.4.0-fixed'],
      breached: ['breaker_open_time count>=25', 'replies_missing rate>0.5'],
    },
    {
      drill: 'signal-slow-replica: on bridge 0.100 the healthy replica stalls with the stopped one; 0.100-fanout-fix keeps it answering',
      file: 'scenarios/signal-slow-replica.yaml',
      fix: ['release: "0.100"', 'release: "0.100-fanout-fix"'],
      breached: ['replies_missing{phase:slow-replica} rate>0.5'],
    },
  ])('$drill', async ({ file, fix, breached }) => {
    // The upstream and the fixed release run side by side: each is a stack of its own, on ports of its own.
    const [upstream, fixed] = await Promise.all([runScenarioFile(file), runScenarioFile(variant(file, fix[0]!, fix[1]!))]);
    expect(upstream.report.errors, upstream.output).toEqual([]);
    expect(failed(upstream.report), upstream.output).toEqual([]);
    expect(upstream.code).toBe(0);

    expect(fixed.report.errors, fixed.output).toEqual([]);
    expect(failed(fixed.report), fixed.output).toEqual(expect.arrayContaining(breached));
    expect(fixed.code).toBe(1);
  }, 300_000);
});
