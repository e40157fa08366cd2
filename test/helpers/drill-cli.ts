/** Runs the `drill` CLI from sources as a real child process, for end-to-end tests. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportSchema, type Report } from '../../src/report/report-schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface DrillProcess {
  child: ChildProcess;
  output: () => string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDrill(args: string[], env: Record<string, string>): DrillProcess {
  const child = spawn(process.execPath, [path.join(root, 'bin/drill.js'), ...args], {
    cwd: root,
    env: { ...process.env, DRILL_FROM_SOURCES: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exit,
    waitForOutput: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`drill printed no ${pattern} within ${timeoutMs} ms:\n${text}`);
        if (child.exitCode !== null) throw new Error(`drill exited (${child.exitCode}) before printing ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** The run folders in a report folder, which also holds the run history (`history/`) beside them. */
export function runFolders(reportsDir: string): string[] {
  return readdirSync(reportsDir).filter((name) => name !== 'history');
}

export interface FinishedRun {
  code: number | null;
  report: Report;
  runDir: string;
  output: string;
}

/** `drill run FILE ARGS...` with its reports and run records in a folder of its own; reads back report.json. */
export async function runScenarioFile(file: string, args: string[] = []): Promise<FinishedRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-run-'));
  const drill = startDrill(['run', file, '--report-dir', path.join(dir, 'reports'), ...args], { DRILL_STATE_DIR: path.join(dir, 'state') });
  const { code } = await drill.exit;
  const [runId] = existsSync(path.join(dir, 'reports')) ? runFolders(path.join(dir, 'reports')) : [];
  if (!runId) throw new Error(`drill run ${file} wrote no report (exit ${code}):\n${drill.output()}`);
  const runDir = path.join(dir, 'reports', runId);
  const report = reportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
  return { code, report, runDir, output: drill.output() };
}

/** `drill ARGS...` run to its end (a command that does not start a stack: export, import, validate). */
export function drillSync(args: string[], timeoutMs = 60_000): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(root, 'bin/drill.js'), ...args], {
    cwd: root,
    env: { ...process.env, DRILL_FROM_SOURCES: '1' },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
