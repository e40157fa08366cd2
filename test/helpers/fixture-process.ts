/**
 * Starts a fixture (fixtures/<name>/main.ts) as a real child process for tests, waits until an HTTP URL answers,
 * and kills it (and anything it left) on `stop()` or `await using`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface FixtureProcess extends AsyncDisposable {
  child: ChildProcess;
  pid: number;
  /** Every stdout/stderr line so far. */
  lines: string[];
  /** Resolves with the first line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process exits. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startFixture(
  name: string,
  env: Record<string, string>,
  options: { readyUrl?: string; timeoutMs?: number } = {},
): Promise<FixtureProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'fixtures', name, 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        for (const listener of listeners) listener(line);
      }
    });
  }
  // 'close', not 'exit': by then every line the fixture wrote has been read, so a test can check its last words.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
  let running = true;
  void exited.then(() => (running = false));

  const waitForLine = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find((l) => pattern.test(l));
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`fixture ${name}: no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`));
      }, timeoutMs);
      const listener = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(line);
      };
      listeners.add(listener);
    });

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!running) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
    await exited;
  };

  const fixture: FixtureProcess = { child, pid: child.pid!, lines, waitForLine, exited, stop, [Symbol.asyncDispose]: () => stop() };
  if (options.readyUrl) {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      if (!running) throw new Error(`fixture ${name} exited before ready; output:\n${lines.join('\n')}`);
      try {
        const response = await fetch(options.readyUrl);
        if (response.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`fixture ${name} not ready at ${options.readyUrl}; output:\n${lines.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return fixture;
}
