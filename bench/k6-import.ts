/**
 * How fast `drill import k6` rebuilds SLIs from k6's JSON output: three runners' files of reply_latency and
 * replies_missing points (two phases) are written to a temporary folder, then read and turned into a report in
 * this process. Prints points per second, the wall time and the heap used (BENCHMARKS.md is left to the
 * maintainers).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptySamples, readK6JsonOutput } from '../src/interop/k6/k6-json-output-reader.ts';
import { buildImportedReport } from '../src/interop/k6/k6-report-builder.ts';

const RUNNERS = 3;
const ARRIVALS_PER_RUNNER = 100_000;

function writeRunner(file: string, runner: number): void {
  const startMs = Date.UTC(2026, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < ARRIVALS_PER_RUNNER; i++) {
    const time = new Date(startMs + i * 3).toISOString();
    const tags = { phase: i < ARRIVALS_PER_RUNNER / 2 ? 'baseline' : 'after-rollback', instance_id: String(runner), scenario: 'load' };
    lines.push(JSON.stringify({ type: 'Point', metric: 'reply_latency', data: { time, value: 5 + (i % 997) * 0.37, tags } }));
    lines.push(JSON.stringify({ type: 'Point', metric: 'replies_missing', data: { time, value: i % 50 === 0 ? 1 : 0, tags } }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-bench-k6-'));
  try {
    const files = Array.from({ length: RUNNERS }, (_, i) => path.join(dir, `runner-${i + 1}.json`));
    files.forEach((file, i) => writeRunner(file, i + 1));
    const startedAt = performance.now();
    let samples = emptySamples();
    for (const file of files) samples = await readK6JsonOutput(file, samples);
    const report = buildImportedReport({
      summary: { file: 'summary.json', text: '{}', metrics: [] },
      samples,
      scenario: undefined,
      nowMs: Date.now(),
    });
    const elapsedS = (performance.now() - startedAt) / 1_000;
    console.log(
      `${samples.points} points from ${RUNNERS} runners in ${elapsedS.toFixed(2)} s: ${Math.round(samples.points / elapsedS)} points/s`,
    );
    console.log(
      `reply_latency count ${report.slis['reply_latency']?.count}, p99 ${report.slis['reply_latency']?.percentiles?.['p99']} ms; heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
