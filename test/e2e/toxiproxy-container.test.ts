/**
 * `faults.server: toxiproxy-container` in a real run: without a Docker engine or without the Toxiproxy image the
 * run goes on with the embedded server, warns why and records it in the timeline (with the image present, the
 * run uses the container and the fallback test is skipped with that reason). The same run cuts a two-way link
 * (`a<->b`, both links declared) and ramps a latency whose `for` is a whole number of steps.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findToxiproxyImage } from '../../src/faults/toxiproxy-container.ts';
import { reportSchema, type Report } from '../../src/report/report-schema.ts';
import { runFolders, startDrill } from '../helpers/drill-cli.ts';

const tinyServer = path.resolve('test/helpers/tiny-server.mjs');
const service = `
    kind: bridge
    command: ["${process.execPath}", "${tinyServer}"]
    env: { PORT: "\${ports.http}" }
    readiness: { port: http, path: /health, timeout: 10s }`;
const scenario = `name: toxiproxy-container-e2e
release: r1
services:
  a:${service}
  b:${service}
links:
  - { from: a, to: b }
  - { from: b, to: a }
load: { executor: constant-arrival-rate, rate: 10, duration: 4s, gracefulStop: 1s }
workload: { type: http, target: a.http, path: /health }
faults:
  server: toxiproxy-container
  timeline:
    - { at: 500ms, for: 1s, link: a<->b, type: partition }
    - { at: 2s, for: 1s, link: a->b, type: latency, latency: 0, ramp: { attribute: latency, from: 0, to: 40, step: 250ms } }
`;

const image = await findToxiproxyImage(undefined);
let report: Report;
let output: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-toxiproxy-container-'));
  writeFileSync(path.join(dir, 's.yaml'), scenario);
  const drill = startDrill(['run', path.join(dir, 's.yaml'), '--report-dir', path.join(dir, 'reports')], {
    DRILL_STATE_DIR: path.join(dir, 'state'),
  });
  const { code } = await drill.exit;
  output = drill.output();
  expect(code, output).toBe(0);
  const [runId] = runFolders(path.join(dir, 'reports'));
  report = reportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'reports', runId!, 'report.json'), 'utf8')));
});

const faultEvents = (target?: string) =>
  report.timeline.filter((e) => e.source === 'fault' && (target === undefined || e.target === target));

describe('faults.server: toxiproxy-container', () => {
  it(
    image.usable
      ? `is skipped: ${image.image} is present, so the run used the container`
      : 'falls back to the embedded server, warns why and says so in the timeline',
    (context) => {
      if (image.usable) return context.skip(`${image.image} is present locally: the fallback cannot happen on this machine`);
      const [server] = faultEvents().filter((e) => e.type === 'server');
      expect(server?.detail).toBe(`embedded (toxiproxy-container unavailable: ${image.reason})`);
      expect(image.reason).toMatch(
        /image ghcr\.io\/shopify\/toxiproxy:2\.12\.0 is not present locally; run `docker pull ghcr\.io\/shopify\/toxiproxy:2\.12\.0`|no Docker engine answers/,
      );
      expect(output).toContain(`faults.server is toxiproxy-container, but ${image.reason}. Using the embedded server instead.`);
    },
  );

  it('runs on the container when the image is present', (context) => {
    if (!image.usable) return context.skip(`no Toxiproxy container here: ${image.reason}`);
    expect(faultEvents().find((e) => e.type === 'server')?.detail).toMatch(
      new RegExp(`^toxiproxy-container ${image.image.replace(/[.]/g, '\\.')} \\(version `),
    );
  });

  it('cuts both links of a two-way partition, verified by probes, and restores both', () => {
    for (const link of ['a_to_b', 'b_to_a']) {
      const [inject, clear] = faultEvents(link);
      expect(inject).toMatchObject({ type: 'inject', measured: { failedProbes: 5 } });
      expect(inject!.detail).toMatch(/^partition .*; verified: 5\/5 probes failed/);
      expect(clear).toMatchObject({ type: 'clear', detail: 'partition' });
    }
  });

  it('ramps to `to` before the fault clears, and the run has no fault error', () => {
    expect(faultEvents('a_to_b').map((e) => e.type)).toEqual(['inject', 'clear', 'inject', 'ramp-end', 'clear']);
    expect(faultEvents('a_to_b')[3]!.detail).toBe('latency reached 40');
    expect(report.errors).toEqual([]);
    expect(faultEvents().at(-1)).toMatchObject({ type: 'reset', detail: '2 link(s) enabled, no toxics left' });
  });
});
