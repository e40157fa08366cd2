/**
 * The package as users get it: `npm run build` output runs a scenario on the compiled CLI (fixtures find their
 * release profiles there), `npm pack` ships what `exports` and the bin need, and the tarball installed into an
 * empty folder imports as `drill` and runs a scenario.
 *
 * Everything is built into a staged copy of the package in a temporary folder, never into the checkout's dist/:
 * a build there would be what other tests' `bin/drill.js` could pick up.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/report-schema.ts';
import { runFolders } from '../helpers/drill-cli.ts';

const run = promisify(execFile);
const root = path.resolve('.');
const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = path.join(dir, 'packaged.yaml');
writeFileSync(
  scenario,
  `name: packaged
release: 1.4.0
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot }
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: 5, duration: 2s, gracefulStop: 2s }
workload: { type: signal, bridge: bridge, bots: [bot], replyTimeout: 2s }
thresholds:
  replies_missing: ["rate<0.5"]
`,
);

/** The published parts of the checkout, plus its node_modules (linked) so the compiled CLI can run in place. */
function stagePackage(): string {
  const stage = path.join(dir, 'stage');
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
  for (const entry of manifest.files.filter((f) => !f.startsWith('dist/')))
    cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  cpSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  return stage;
}

describe('bin/drill.js', () => {
  it('runs the sources of a checkout even where a build exists, and the build only when asked or installed', async () => {
    const checkout = path.join(dir, 'checkout');
    cpSync(path.join(root, 'bin'), path.join(checkout, 'bin'), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(checkout, 'package.json'));
    symlinkSync(path.join(root, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
    const entry = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
      writeFileSync(path.join(checkout, file), `process.stdout.write(${JSON.stringify(text)});\n`);
    };
    entry('src/cli/main.ts', 'sources');
    entry('dist/src/cli/main.js', 'stale build');
    const bin = (env: Record<string, string> = {}) =>
      run(process.execPath, [path.join(checkout, 'bin/drill.js')], {
        env: { ...process.env, DRILL_FROM_SOURCES: '', DRILL_FROM_DIST: '', ...env },
      }).then((r) => r.stdout);
    expect(await bin()).toBe('sources');
    expect(await bin({ DRILL_FROM_DIST: '1' })).toBe('stale build');
    rmSync(path.join(checkout, 'src'), { recursive: true });
    expect(await bin()).toBe('stale build');
  });
});

describe('the package as users get it', () => {
  const stage = stagePackage();

  it('npm run build writes a dist/ whose CLI runs a scenario', { timeout: 300_000 }, async () => {
    await run('npm', ['run', 'build', '--', '--out-dir', path.join(stage, 'dist')], { cwd: root });
    expect(readdirSync(path.join(stage, 'dist/fixtures/bridge/releases'))).toContain('0.100.json');
    // No src/ next to the staged bin: it runs the compiled CLI, as an installed package does.
    const reports = path.join(dir, 'cli-reports');
    const result = await run(process.execPath, [path.join(stage, 'bin/drill.js'), 'run', scenario, '--report-dir', reports], {
      cwd: dir,
      env: { ...process.env, DRILL_STATE_DIR: path.join(dir, 'cli-state'), DRILL_FROM_SOURCES: '' },
    });
    expect(result.stdout).toContain('PASS');
    const [runId] = runFolders(reports);
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(reports, runId!, 'report.json'), 'utf8')));
    expect(report.verdict).toBe('pass');
    expect(report.services.map((s) => s.release).sort()).toEqual(['0.100', '1.4.0']);
    // The page's assets are read next to the compiled module: the build must have copied them.
    expect(readFileSync(path.join(reports, runId!, 'report.html'), 'utf8')).toContain('data-chart');
  });

  it('npm pack ships dist/, and the installed tarball imports and runs a scenario', { timeout: 600_000 }, async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: stage });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/drill.js',
        'dist/src/index.js',
        'dist/src/cli/main.js',
        'dist/fixtures/bot/main.js',
        'dist/fixtures/bot/releases/1.4.0.json',
      ]),
    );
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);

    const app = path.join(dir, 'app');
    cpSync(path.join(dir, packed!.filename), path.join(app, packed!.filename));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // --ignore-scripts: better-sqlite3 would otherwise compile SQLite from source where no prebuilt binary can be
    // fetched (minutes); the scenario below keeps the bot's state in memory and needs no native addon.
    await run('npm', ['install', `./${packed!.filename}`, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app });
    writeFileSync(
      path.join(app, 'run.mjs'),
      `const drill = await import('drill');
const loaded = await drill.loadScenarioFile(process.argv[2]);
const outcome = await drill.runScenario(loaded, { cwd: process.cwd(), reporters: [new drill.JsonReporter()], signal: new AbortController().signal, stateDir: process.argv[3] });
process.stdout.write(JSON.stringify({ verdict: outcome.report.verdict, arrivals: outcome.report.load.arrivals, exitCode: outcome.exitCode }));
`,
    );
    const result = await run(process.execPath, ['run.mjs', scenario, path.join(dir, 'app-state')], { cwd: app });
    expect(JSON.parse(result.stdout)).toEqual({ verdict: 'pass', arrivals: expect.any(Number), exitCode: 0 });
    const installed = await run(process.execPath, [path.join(app, 'node_modules/.bin/drill'), 'validate', scenario], { cwd: app });
    expect(installed.stdout).toContain('packaged.yaml: ok');
  });
});
