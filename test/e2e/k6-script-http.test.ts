/**
 * The exported http k6 script on the VU stand-in (test/helpers/k6-shim) against a local server on port 0: it sends
 * the scenario's method, path, headers and body, and counts statuses outside expectStatus in http_req_failed_count.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillSync } from '../helpers/drill-cli.ts';
import { runIterations } from '../helpers/k6-shim/k6-shim.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-http-'));
const seen: { method: string; url: string; header: string | undefined; body: string }[] = [];
let status = 201;
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, header: req.headers['x-drill'] as string | undefined, body });
    res.writeHead(status).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the exported http k6 script', () => {
  it("sends the scenario's request and counts unexpected statuses as failed", { timeout: 60_000 }, async () => {
    const file = path.join(dir, 'http-post.yaml');
    writeFileSync(
      file,
      `name: http-post
release: "0.100"
services: { bridge: { kind: bridge } }
load: { executor: constant-arrival-rate, rate: 10, duration: 1s }
workload: { type: http, target: bridge.http, method: POST, path: /v2/send, headers: { x-drill: k6 }, body: '{"message":"hi"}', expectStatus: [201] }
`,
    );
    expect(drillSync(['export', 'k6', file, '--out', dir]).code).toBe(0);
    const script = path.join(dir, 'http-post.k6.ts');
    const env = { TARGET_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    const plan = (count: number) =>
      Array.from({ length: count }, (_, n) => ({
        scenario: 'load_run',
        scenarioStartMs: Date.now(),
        n,
        startAtMs: Date.now() + n * 20,
        tags: { phase: 'run' },
      }));
    const ok = await runIterations(script, readFileSync(script, 'utf8'), env, 'arrival', plan(3));
    expect(seen).toEqual(Array(3).fill({ method: 'POST', url: '/v2/send', header: 'k6', body: '{"message":"hi"}' }));
    expect(ok.filter((s) => s.metric === 'http_req_failed_count')).toEqual([]);
    status = 503;
    const failing = await runIterations(script, readFileSync(script, 'utf8'), env, 'arrival', plan(2));
    expect(failing.filter((s) => s.metric === 'http_req_failed_count')).toHaveLength(2);
  });
});
