/**
 * `drill export k6` on the shipped scenarios, as a child process: every script type-checks against @types/k6 (no
 * k6 binary here), its options match the scenario, and `--k6-operator` writes a TestRun that validates against
 * the CRD's schema, with execution segments that add up to the whole rate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { executionSegments, segmentLength } from '../../src/interop/k6/execution-segments.ts';
import { drillSync } from '../helpers/drill-cli.ts';
import { testRunSchema } from '../helpers/testrun-schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shipped = [
  'scenarios/signal-baseline.yaml',
  'scenarios/signal-faults.yaml',
  'scenarios/wavry-baseline.yaml',
  'drills/master-restart.yaml',
  'drills/rollback.yaml',
];

/** tsc's diagnostics for k6 scripts, resolved against @types/k6 only (no DOM, no Node). */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2020,
    lib: ['lib.es2020.d.ts'],
    module: ts.ModuleKind.ES2020,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    noEmit: true,
    types: ['k6'],
    typeRoots: [path.join(root, 'node_modules/@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-export-'));
const exported = shipped.map((file) => ({ file, ...drillSync(['export', 'k6', file, '--out', outDir]) }));
const scriptPath = (file: string) => path.join(outDir, `${path.basename(file, '.yaml')}.k6.ts`);

describe('drill export k6', () => {
  it.each(shipped)('%s: exits 0 and prints what k6 cannot reproduce', (file) => {
    const run = exported.find((e) => e.file === file)!;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*\.k6\.ts \(k6 scenarios: load_/);
    expect(run.stdout).toContain('k6 cannot reproduce, of ');
    const header = readFileSync(scriptPath(file), 'utf8').split('*/')[0]!;
    // The same lines are at the top of the script.
    for (const line of run.stdout
      .split('k6 cannot reproduce')[1]!
      .split('\n')
      .filter((l) => l.startsWith('  - ')))
      expect(header).toContain(line.slice(4));
  });

  it('lists the fault timeline and the drill steps among what k6 cannot do', () => {
    const faults = exported.find((e) => e.file.endsWith('signal-faults.yaml'))!.stdout;
    expect(faults).toContain('fault timeline: latency on bot->bridge at 10s for 10s');
    expect(faults).toContain('fault timeline: loss on bot->bridge at 30s for 10s');
    expect(exported.find((e) => e.file.endsWith('master-restart.yaml'))!.stdout).toContain('drill step: restart master at 15s');
    expect(exported.find((e) => e.file.endsWith('wavry-baseline.yaml'))!.stdout).toMatch(/UDP media .* WebRTC/);
  });

  it('writes scripts that type-check against @types/k6, and the check catches a wrong call', () => {
    expect(typeCheck([...shipped.map(scriptPath), httpRamp.script])).toEqual([]);
    const broken = path.join(outDir, 'broken.k6.ts');
    writeFileSync(
      broken,
      `${readFileSync(scriptPath('drills/rollback.yaml'), 'utf8')}\nws.connect(ORACLE_URL);\nreplyLatency.add('slow');\n`,
    );
    const diagnostics = typeCheck([broken]);
    expect(diagnostics).toHaveLength(2);
    expect(diagnostics.join('\n')).toMatch(/Expected 2-3 arguments/);
  });

  it('declares every metric a threshold names (k6 refuses a threshold on an unknown metric)', () => {
    const builtins = new Set(['dropped_iterations', 'http_req_duration', 'http_req_failed']);
    for (const script of [...shipped.map(scriptPath), httpRamp.script]) {
      const source = readFileSync(script, 'utf8');
      const declared = new Set([...source.matchAll(/new (?:Trend|Rate|Counter|Gauge)\('([a-z0-9_]+)'/g)].map((m) => m[1]!));
      const options = JSON.parse(/export const options: Options = (\{[\s\S]*?\n\});/.exec(source)![1]!) as {
        thresholds: Record<string, unknown>;
      };
      for (const key of Object.keys(options.thresholds))
        expect(builtins.has(key.split('{')[0]!) || declared.has(key.split('{')[0]!), `${script}: ${key}`).toBe(true);
      // Every rate SLI has its count companion, so any `count` threshold on it can be exported.
      for (const rate of [...source.matchAll(/new Rate\('([a-z0-9_]+)'/g)].map((m) => m[1]!))
        expect(declared, `${script}: ${rate}`).toContain(`${rate}_count`);
    }
  });

  it('keeps the scenario in the options object (rates, phases, thresholds)', async () => {
    const { options } = (await import(pathToModule(scriptPath('scenarios/signal-faults.yaml')))) as {
      options: { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, string[]> };
    };
    const arrival = Object.values(options.scenarios).filter((s) => s['exec'] === 'arrival');
    expect(arrival.map((s) => [s['tags'], s['startTime'], s['duration'], s['rate'], s['maxVUs'], s['gracefulStop']])).toEqual([
      [{ phase: 'baseline' }, '0ms', '10000ms', 20, 500, '10000ms'],
      [{ phase: 'fault-0-latency' }, '10000ms', '10000ms', 20, 500, '10000ms'],
      [{ phase: 'after-0' }, '20000ms', '10000ms', 20, 500, '10000ms'],
      [{ phase: 'fault-1-loss' }, '30000ms', '10000ms', 20, 500, '10000ms'],
      [{ phase: 'after-1' }, '40000ms', '10000ms', 20, 500, '10000ms'],
    ]);
    expect(options.thresholds).toEqual({
      replies_missing: ['rate<0.05'],
      duplicate_replies_count: ['count<1'],
      reply_latency: ['p(50)<1000'],
    });
  });
});

const httpRamp = (() => {
  const file = path.join(outDir, 'http-ramp.yaml');
  writeFileSync(
    file,
    `name: http-ramp
release: "0.100"
services: { bridge: { kind: bridge } }
load: { executor: ramping-arrival-rate, startRate: 2, timeUnit: 1s, stages: [{ target: 20, duration: 5s }, { target: 0, duration: 5s }], maxVUs: 50, gracefulStop: 2s }
workload: { type: http, target: bridge.http, path: /v1/health, expectStatus: [204] }
thresholds:
  http_req_duration: ["p(99)<250", "med<50"]
  http_req_failed: [{ threshold: "rate<0.01", abortOnFail: true, delayAbortEval: 2s }]
`,
  );
  return { ...drillSync(['export', 'k6', file, '--out', outDir]), script: path.join(outDir, 'http-ramp.k6.ts') };
})();

describe('drill export k6 of the http workload', () => {
  it('keeps the ramping stages and the abortOnFail threshold', async () => {
    expect(httpRamp.code).toBe(0);
    const { options } = (await import(pathToModule(httpRamp.script))) as {
      options: { scenarios: Record<string, unknown>; thresholds: Record<string, unknown> };
    };
    expect(options.scenarios).toEqual({
      load_run: {
        executor: 'ramping-arrival-rate',
        exec: 'arrival',
        startTime: '0ms',
        gracefulStop: '2000ms',
        timeUnit: '1000ms',
        preAllocatedVUs: 20,
        maxVUs: 50,
        tags: { phase: 'run' },
        startRate: 2,
        stages: [
          { target: 20, duration: '5000ms' },
          { target: 0, duration: '5000ms' },
        ],
      },
    });
    expect(options.thresholds).toEqual({
      http_req_duration: ['p(99)<250', 'med<50'],
      http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '2000ms' }],
    });
    expect(httpRamp.stdout).toContain("http_req_duration is k6's: from the actual send");
  });
});

/** A k6 script's options are plain data: strip its k6 imports and load it as a module to read them. */
function pathToModule(file: string): string {
  const source = readFileSync(file, 'utf8')
    .replace(/^import .*$/gm, '')
    .replace(/export const options: Options =/, 'export const options =');
  const js = ts.transpileModule(source.split('interface RateProfile')[0]!, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
  }).outputText;
  const out = `${file}.options.mjs`;
  writeFileSync(out, js);
  return out;
}

/** The parts of the written manifests the tests read. */
interface ManifestDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  data: Record<string, string>;
  spec: { parallelism: number; arguments: string; script: unknown; runner: { env: unknown[] } };
}

describe('drill export k6 --k6-operator', () => {
  const run = drillSync([
    'export',
    'k6',
    'scenarios/signal-baseline.yaml',
    '--out',
    outDir,
    '--k6-operator',
    '--parallelism',
    '3',
    '--env',
    'BRIDGE_CONTROL_URL=http://bridge.drill:8081',
  ]);
  const docs = () =>
    parseAllDocuments(readFileSync(path.join(outDir, 'signal-baseline.testrun.yaml'), 'utf8')).map((d) => d.toJS() as ManifestDoc);
  const validate = new Ajv({ allErrors: true, strict: false }).compile(testRunSchema);

  it('writes a ConfigMap with the script, a results claim and a TestRun valid against the CRD schema', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [configMap, claim, testRun] = docs();
    expect(configMap).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'drill-signal-baseline-script' } });
    expect(configMap!.data['signal-baseline.k6.ts']).toBe(readFileSync(scriptPath('scenarios/signal-baseline.yaml'), 'utf8'));
    expect(claim).toMatchObject({ kind: 'PersistentVolumeClaim', metadata: { name: 'drill-signal-baseline-results' } });
    expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
    expect(testRun!.spec).toMatchObject({
      parallelism: 3,
      script: { configMap: { name: 'drill-signal-baseline-script', file: 'signal-baseline.k6.ts' } },
    });
    expect(testRun!.spec.arguments).toBe('--out json=/results/$(RUNNER_POD).k6.json --summary-export=/results/$(RUNNER_POD).summary.json');
    expect(testRun!.spec.runner.env).toContainEqual({ name: 'BRIDGE_CONTROL_URL', value: 'http://bridge.drill:8081' });
    expect(testRun!.metadata.annotations['drill.dev/execution-segments']).toBe(
      'drill-signal-baseline-1=0:1/3 drill-signal-baseline-2=1/3:2/3 drill-signal-baseline-3=2/3:1',
    );
  });

  it('refuses a TestRun the CRD would not accept', () => {
    const testRun = docs()[2]!;
    expect(validate({ ...testRun, spec: { ...testRun.spec, parallelism: '3' } })).toBe(false);
    expect(validate({ ...testRun, spec: { ...testRun.spec, scripts: testRun.spec.script } })).toBe(false);
    expect(validate({ ...testRun, apiVersion: 'k6.io/v1' })).toBe(false);
  });

  it.each([1, 2, 3, 7])('splits the rate into %i segments that add up to the whole', (n) => {
    const { sequence, segments } = executionSegments(n);
    expect(sequence.split(',')).toHaveLength(n + 1);
    expect(segments.reduce((sum, s) => sum + segmentLength(s), 0)).toBeCloseTo(1, 12);
    // signal-baseline: 30 arrivals/s; each runner takes its segment's share.
    expect(segments.reduce((sum, s) => sum + 30 * segmentLength(s), 0)).toBeCloseTo(30, 9);
    segments.forEach((s, i) => i > 0 && expect(s.segment.split(':')[0]).toBe(segments[i - 1]!.segment.split(':')[1]));
  });

  it('refuses a parallelism that is not a positive integer, with exit code 2', () => {
    const bad = drillSync(['export', 'k6', 'scenarios/signal-baseline.yaml', '--out', outDir, '--k6-operator', '--parallelism', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--parallelism must be a positive integer, got "0"');
  });
});
