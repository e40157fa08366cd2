/** Runs the `drill` CLI from sources as a real child process, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
