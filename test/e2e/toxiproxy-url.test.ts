/**
 * $TOXIPROXY_URL: read only for `faults.server: toxiproxy`, and held to the loopback rule there (refused by
 * `drill validate` and by the run, unless `allowNonLoopback: true`). Nothing here sends a packet off loopback: the
 * refusals come before any request, and a socket guard records (and blocks) any connect that would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FaultError } from '../../src/common/errors.ts';
import { silentLogger } from '../../src/common/logger.ts';
import { openFaultServer } from '../../src/faults/timeline/fault-server.ts';
import type { FaultsSpec } from '../../src/scenario/faults-schema.ts';
import { guardSockets, offBox } from '../helpers/loopback-guard.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

function scenarioFile(faults: string, extra = ''): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-toxiproxy-url-')), 'scenario.yaml');
  writeFileSync(
    file,
    `name: toxiproxy-url
release: 1.4.0
${extra}services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot }
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: 1, timeUnit: 1s, duration: 2s, maxVUs: 5 }
workload: { type: signal, bridge: bridge, bots: [bot], users: 2, messages: [{ text: "!ping" }] }
faults:
${faults}
`,
  );
  return file;
}

async function validate(file: string, toxiproxyUrl: string): Promise<{ code: number; output: string }> {
  const result = await run(process.execPath, [path.join(root, 'bin/drill.js'), 'validate', file], {
    env: { ...process.env, DRILL_FROM_SOURCES: '1', TOXIPROXY_URL: toxiproxyUrl },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  return result;
}

describe('drill validate', () => {
  it('refuses $TOXIPROXY_URL outside loopback for server: toxiproxy, at faults.server', async () => {
    const file = scenarioFile('  server: toxiproxy\n');
    const { code, output } = await validate(file, 'http://10.0.0.5:8474');
    expect(code).toBe(2);
    expect(output).toContain(`\`faults.server\`: $TOXIPROXY_URL is "http://10.0.0.5:8474", outside loopback (127.0.0.0/8, ::1); drill refuses it unless the scenario sets \`allowNonLoopback: true\` (${file}:11:11)`);
    expect(output).not.toMatch(/internal error|\n\s+at /);
  });

  it('accepts it with allowNonLoopback, or on loopback, and ignores it for server: embedded', async () => {
    expect((await validate(scenarioFile('  server: toxiproxy\n', 'allowNonLoopback: true\n'), 'http://10.0.0.5:8474')).code).toBe(0);
    expect((await validate(scenarioFile('  server: toxiproxy\n'), 'http://127.0.0.1:8474')).code).toBe(0);
    expect((await validate(scenarioFile('  server: embedded\n'), 'http://10.0.0.5:8474')).code).toBe(0);
  });
});

describe('the run', () => {
  let closedPort: number;

  beforeAll(async () => {
    guardSockets();
    // A loopback port nothing listens on: a server that reads the variable fails to reach it.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    expect(offBox).toEqual([]);
  });

  const spec = (server: FaultsSpec['server']): FaultsSpec => ({ server, timeline: [] }) as unknown as FaultsSpec;

  it('does not read $TOXIPROXY_URL for server: embedded', async () => {
    vi.stubEnv('TOXIPROXY_URL', `http://127.0.0.1:${closedPort}`);
    await using server = await openFaultServer(spec('embedded'), { seed: 1, logger: silentLogger });
    expect(server.description).toBe('embedded');
    expect((await server.control.serverInfo()).version).toMatch(/\+drill$/);
  });

  it('refuses $TOXIPROXY_URL outside loopback for server: toxiproxy before any request, unless allowNonLoopback', async () => {
    vi.stubEnv('TOXIPROXY_URL', 'http://10.0.0.5:8474');
    await expect(openFaultServer(spec('toxiproxy'), { seed: 1, logger: silentLogger })).rejects.toThrow(FaultError);
    await expect(openFaultServer(spec('toxiproxy'), { seed: 1, logger: silentLogger })).rejects.toThrow(/outside loopback/);
    expect(offBox).toEqual([]);
    // Lifted, the run would dial it (with retries): the guard records those attempts and blocks them.
    await expect(openFaultServer(spec('toxiproxy'), { seed: 1, logger: silentLogger, allowNonLoopback: true })).rejects.toThrow();
    expect(new Set(offBox.splice(0))).toEqual(new Set(['10.0.0.5']));
  });
});
