/**
 * Runs an exported k6 script's iterations on a VU stand-in (`k6-vu-worker.mjs`) with its I/O on this thread:
 * fetch for k6/http, the ws package for k6/ws. For tests only, where no k6 binary exists; the samples it returns
 * are what the script's metrics recorded, to be written as k6 JSON output.
 */
import { writeFileSync } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';
import ts from 'typescript';
import WebSocket from 'ws';
import type { KnownSample } from '../k6-samples.ts';

export interface ShimIteration {
  scenario: string;
  scenarioStartMs: number;
  n: number;
  startAtMs: number;
  tags: Record<string, string>;
}

/** The script as a module the stand-in loads: k6 imports replaced by the stand-in's globals. */
function shimModule(scriptFile: string, source: string): string {
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText;
  const file = `${scriptFile}.shim.mjs`;
  writeFileSync(file, `const { exec, http, ws, encoding, Trend, Rate, Counter } = globalThis.__k6;\n${js.replace(/^import .*$/gm, '')}`);
  return file;
}

export async function runIterations(
  scriptFile: string,
  source: string,
  env: Record<string, string>,
  execName: string,
  iterations: ShimIteration[],
): Promise<KnownSample[]> {
  const counter = new SharedArrayBuffer(4);
  const signal = new Int32Array(counter);
  const { port1, port2 } = new MessageChannel();
  const sockets = new Map<number, WebSocket>();
  const reply = (message: unknown) => {
    port1.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  port1.on(
    'message',
    async (m: {
      kind: string;
      id: number;
      method?: string;
      url?: string;
      body?: string | null;
      headers?: Record<string, string>;
      data?: string;
    }) => {
      if (m.kind === 'http') {
        const startedMs = performance.now();
        try {
          const response = await fetch(m.url!, {
            method: m.method!,
            headers: m.headers!,
            ...(m.body === null || m.body === undefined ? {} : { body: m.body }),
          });
          reply({ kind: 'http', id: m.id, status: response.status, body: await response.text(), elapsedMs: performance.now() - startedMs });
        } catch {
          reply({ kind: 'http', id: m.id, status: 0, body: null, elapsedMs: performance.now() - startedMs });
        }
      } else if (m.kind === 'ws-open') {
        const socket = new WebSocket(m.url!);
        sockets.set(m.id, socket);
        socket.on('open', () => reply({ kind: 'ws', id: m.id, event: 'open' }));
        socket.on('message', (data) => reply({ kind: 'ws', id: m.id, event: 'message', data: String(data) }));
        socket.on('close', () => reply({ kind: 'ws', id: m.id, event: 'close' }));
        socket.on('error', () => reply({ kind: 'ws', id: m.id, event: 'error' }));
      } else if (m.kind === 'ws-send') {
        sockets.get(m.id)?.send(m.data!);
      } else if (m.kind === 'ws-close') {
        sockets.get(m.id)?.terminate();
        sockets.delete(m.id);
      }
    },
  );
  const worker = new Worker(new URL('./k6-vu-worker.mjs', import.meta.url), {
    workerData: { port: port2, counter, scriptFile: shimModule(scriptFile, source), env, iterations, execName },
    transferList: [port2],
  });
  try {
    return await new Promise<KnownSample[]>((resolve, reject) => {
      worker.once('message', (m: { samples: KnownSample[] }) => resolve(m.samples));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the VU stand-in exited (${code}) before it finished`)));
    });
  } finally {
    for (const socket of sockets.values()) socket.terminate();
    port1.close();
    await worker.terminate();
  }
}
