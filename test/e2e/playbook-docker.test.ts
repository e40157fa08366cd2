/**
 * Playbook actions on containers: `exec` runs inside the service's container (its environment, its exit code and
 * output), and `scale` starts a replica container with its own ports and stops it again, none left behind.
 * Needs a Docker engine; skipped with the reason without one, failing instead when DRILL_REQUIRE_DOCKER=1.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { containersOfRun } from '../../src/runtime/docker/container-remover.ts';
import { probeDockerEngine } from '../../src/runtime/docker/docker-engine.ts';
import { buildFixtureImages } from '../../src/runtime/docker/fixture-images.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const engine = await probeDockerEngine();
const required = process.env.DRILL_REQUIRE_DOCKER === '1';

describe('playbook actions on containers', () => {
  beforeAll(async () => {
    if (engine.reachable) await buildFixtureImages({ offline: true, releases: ['0.100'] });
  }, 600_000);

  it('runs exec inside the container and scales to two containers and back', async (context) => {
    if (!engine.reachable) {
      if (required) throw new Error(`DRILL_REQUIRE_DOCKER=1 but ${engine.reason}`);
      return context.skip(engine.reason);
    }
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-playbook-docker-')), 'playbook.yaml');
    writeFileSync(
      file,
      `name: playbook-docker
release: "0.100"
services:
  bridge: { kind: bridge }
load: { executor: constant-arrival-rate, rate: 20, duration: 6s, gracefulStop: 2s }
workload: { type: http, target: bridge.http, path: /v1/health, timeout: 2s }
steadyState:
  - { http: { service: bridge, path: /v1/health, status: 204 } }
method:
  - { name: inside, at: 1s, action: exec, service: bridge, argv: [node, -e, "console.log('in', process.env.DRILL_SERVICE, process.env.PORT); process.exit(4)"], exitCode: 4 }
  - { name: scale-out, action: scale, service: bridge, replicas: 2, checks: [{ service: bridge-2, path: /v1/health, status: 204 }] }
  - { name: scale-in, action: scale, service: bridge, replicas: 1 }
`,
    );
    const { code, report, output } = await runScenarioFile(file, ['--runtime', 'docker']);
    expect(code, output).toBe(0);
    const port = report.services.find((s) => s.name === 'bridge')!.ports.http;
    expect(report.steps[0]).toMatchObject({ pass: true, detail: expect.stringMatching(new RegExp(`exited 4: in bridge ${port}$`)) });
    expect(report.steps[1]).toMatchObject({ pass: true, detail: '2 instance(s): bridge, bridge-2' });
    expect(report.timeline.filter((e) => e.target === 'bridge-2').map((e) => e.type)).toEqual(['started', 'stopped']);
    expect(await containersOfRun(engine.client.container.dockerode, report.runId)).toEqual([]);
  }, 180_000);
});
