/**
 * `drill toxiproxy` as a drop-in for the real binary: its flags, bad input (exit 2, one line, no stack trace), and
 * the loopback rule at dial time as a user of the CLI sees it (a refused connection, a counter, a log line). The
 * servers run with a preloaded socket guard that blocks (and reports) any connect outside loopback, so the tests
 * prove that none is attempted, and that `--allow-non-loopback` does attempt one, without a packet leaving loopback.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Toxiproxy } from 'toxiproxy-node-client';
import { describe, expect, it } from 'vitest';
import { startDrill } from '../helpers/drill-cli.ts';

const root = path.resolve(import.meta.dirname, '../..');

async function drill(args: string[]): Promise<{ code: number; output: string }> {
  return promisify(execFile)(process.execPath, [path.join(root, 'bin/drill.js'), 'toxiproxy', ...args], {
    env: { ...process.env, DRILL_FROM_SOURCES: '1' },
    timeout: 30_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

function file(name: string, text: string): string {
  const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-toxiproxy-cli-')), name);
  writeFileSync(target, text);
  return target;
}

describe('drill toxiproxy flags', () => {
  it('prints its version with -version, as toxiproxy-server does', async () => {
    expect(await drill(['-version'])).toEqual({ code: 0, output: 'toxiproxy-server version 2.12.0+drill\n' });
  });

  it.each([
    [['-host', '0.0.0.0'], /^drill: -host must be localhost or 127\.0\.0\.1: drill's fault server binds loopback only, got "0\.0\.0\.0"\n$/],
    [['-port', '70000'], /^drill: -port must be a port number from 0 to 65535, got "70000"\n$/],
    [['-proxy-metrics=maybe'], /^drill: -proxy-metrics takes true or false, got "maybe"\n$/],
    [['--bogus'], /^drill: drill toxiproxy: Unknown option '--bogus'.*\n$/],
    [['-config', '/nonexistent/toxiproxy.json', '-port', '0'], /^drill: -config \/nonexistent\/toxiproxy\.json: cannot read the file: ENOENT/m],
  ])('refuses %j with exit 2 and one line', async (args, message) => {
    const { code, output } = await drill(args);
    expect(code).toBe(2);
    expect(output.split('\n').filter((line) => line.startsWith('drill:'))).toHaveLength(1);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/internal error|\n\s+at /);
  });

  it.each([
    ['not JSON', '{"name": ', /-config .*: not JSON: /],
    ['a proxy without upstream', '[{"name": "x"}]', /-config .*: missing required field: upstream at proxy 1 \(the file holds a POST \/populate body/],
    ['a non-loopback listen', '[{"name": "x", "listen": "0.0.0.0:0", "upstream": "127.0.0.1:9"}]', /-config .*: bad request body: `listen` host must be 127\.0\.0\.1/],
  ])('refuses a -config file with %s (exit 2), stopping the server it started', async (_, text, message) => {
    const { code, output } = await drill(['-config', file('toxiproxy.json', text), '-port', '0']);
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).toMatch(/Stopped fault server/);
  });
});

describe('the loopback rule at dial time, through the CLI', () => {
  const guard = path.join(root, 'test/helpers/loopback-guard-preload.mjs');

  async function serve(args: string[]) {
    const server = startDrill(['toxiproxy', '-port', '0', ...args], { NODE_OPTIONS: `--import=${guard}` });
    await server.waitForOutput(/Toxiproxy API at http:\/\/127\.0\.0\.1:\d+/);
    const url = /Toxiproxy API at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())![1]!;
    return {
      server,
      client: new Toxiproxy(url),
      metrics: async () => (await fetch(`${url}/metrics`)).text(),
      stop: async () => {
        server.child.kill('SIGTERM');
        expect(await server.exit).toEqual({ code: 0, signal: null });
      },
    };
  }

  /** Sends a request through the proxy; resolves with what came back before the connection closed. */
  async function through(listen: string): Promise<string> {
    const socket = net.connect(Number(listen.split(':').pop()), '127.0.0.1');
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write('GET / HTTP/1.1\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    return received;
  }

  it('closes a connection to an upstream outside loopback at once, before any connect, counts it and logs why', async () => {
    const { server, client, metrics, stop } = await serve([]);
    try {
      const proxy = await client.createProxy({ name: 'far', listen: '127.0.0.1:0', upstream: '10.0.0.5:80' });
      const port = Number(proxy.listen.split(':').pop());
      expect(await through(proxy.listen)).toBe('');
      expect(await metrics()).toContain('drill_proxy_refused_connections_total{proxy="far",listener="127.0.0.1:' + port + '",upstream="10.0.0.5:80",protocol="tcp"} 1');
      await server.waitForOutput(/warn +drill:faults Proxy far: refused a connection from 127\.0\.0\.1:\d+: upstream 10\.0\.0\.5:80: 10\.0\.0\.5 is outside loopback/);
      expect(server.output()).not.toContain('loopback-guard');
    } finally {
      await stop();
    }
  });

  it('dials the upstream when --allow-non-loopback lifts the rule, and says so', async () => {
    const { server, client, metrics, stop } = await serve(['--allow-non-loopback']);
    try {
      expect(server.output()).toMatch(/warn +drill:faults Upstreams outside loopback are allowed/);
      const proxy = await client.createProxy({ name: 'far', listen: '127.0.0.1:0', upstream: '10.0.0.5:80' });
      expect(await through(proxy.listen)).toBe('');
      await server.waitForOutput(/loopback-guard: blocked connect to 10\.0\.0\.5\n/);
      expect(await metrics()).toMatch(/drill_proxy_refused_connections_total\{proxy="far",[^}]*\} 0/);
    } finally {
      await stop();
    }
  });
});
