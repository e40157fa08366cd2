/** `drill compare` and `drill baseline` on stored runs (the committed gate baseline): no load runs here. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDrill } from '../helpers/drill-cli.ts';

const history = 'test/gate/history';
const oneRun = 'signal-gate-20261203-064255-fa13';

async function drill(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startDrill(args, {});
  const { code } = await run.exit;
  return { code, output: run.output() };
}

describe('drill compare', () => {
  it('judges one kept run against the pooled marked baseline: Pass, with every rollback threshold and SLI listed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-compare-'));
    const { code, output } = await drill(['compare', 'baseline', oneRun, '--history', history, '--json', path.join(dir, 'c.json')]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/## signal-gate: 1\.4\.0 against baseline 1\.4\.0: \*\*PASS\*\*/);
    expect(output).toMatch(/\| `duplicate_replies > baseline \+ 1pt` \| 0 \| 0\.01 \| 0 \| no \|/);
    const result = JSON.parse(readFileSync(path.join(dir, 'c.json'), 'utf8')) as { baseline: { runIds: string[] }; slis: { sli: string; test: string }[] };
    expect(result.baseline.runIds).toHaveLength(3);
    expect(result.slis.find((s) => s.sli === 'reply_latency')?.test).toBe('mann-whitney+bootstrap');
  });

  it('lists configuration drift and fails a candidate whose replies are all 100 ms slower', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-compare-'));
    cpSync(path.join(history, 'signal-gate/1.4.0', oneRun, 'report.json'), path.join(dir, 'report.json'));
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as { services: { name: string; config: { env: Record<string, string> } }[]; histograms: Record<string, unknown> };
    report.services.find((s) => s.name === 'bot')!.config.env['WORKER_POOL_SIZE'] = '4';
    // A slower candidate built from the stored one: every recorded value + 100 ms.
    const { LatencyHistogram } = await import('../../src/load/latency-histogram.ts');
    const stored = LatencyHistogram.fromJSON(report.histograms['reply_latency']);
    const slower = new LatencyHistogram();
    for (const bucket of stored.buckets()) for (let i = 0; i < bucket.count; i++) slower.recordMs(bucket.valueMs + 100);
    report.histograms['reply_latency'] = slower.toJSON();
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
    const { code, output } = await drill(['compare', 'baseline', path.join(dir, 'report.json'), '--history', history, '--scenario', 'scenarios/signal-gate.yaml']);
    expect(code, output).toBe(1);
    expect(output).toMatch(/- critical reply_latency High: median/);
    expect(output).toMatch(/\| bot \| env\.WORKER_POOL_SIZE \| 16 \| 4 \|/);
  });

  it('says what is wrong with an argument (exit 2) and that a missing baseline cannot be judged (exit 3)', async () => {
    expect(await drill(['compare', 'no-such-run', oneRun, '--history', history])).toMatchObject({ code: 2, output: expect.stringMatching(/"no-such-run" is no report file, folder, run id or release of signal-gate/) });
    const empty = mkdtempSync(path.join(os.tmpdir(), 'drill-compare-'));
    cpSync(path.join(history, 'signal-gate/1.4.0'), path.join(empty, 'signal-gate/1.4.0'), { recursive: true });
    expect(await drill(['compare', 'baseline', oneRun, '--history', empty])).toMatchObject({ code: 3, output: expect.stringMatching(/no baseline is marked for signal-gate/) });
    expect(await drill(['baseline', 'mark', '1.4.0', '--history', empty])).toMatchObject({ code: 0, output: expect.stringMatching(/baseline is now 1\.4\.0 \(3 runs/) });
    expect(await drill(['compare', 'baseline', oneRun, '--history', empty])).toMatchObject({ code: 0 });
  });
});
