/**
 * The shipped scenarios and drills on containers: the Signal and Wavry baselines, the master-restart, rollback,
 * relay-drain (its gateway and host run 0.1.0, so those images are built too) and Wavry rollback (0.0.6 images
 * replaced by 0.0.5 images) drills, each run with `drill run FILE --runtime docker` (three with their loads shortened), must pass as they do on local
 * processes, with the same report shape, per-service resource usage from the engine, and no container left.
 * Needs a Docker engine (`bash scripts/setup-docker.sh`); skipped with the reason without one, and failing
 * instead when DRILL_REQUIRE_DOCKER=1 (CI).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { containersOfRun } from '../../src/runtime/docker/container-remover.ts';
import { probeDockerEngine } from '../../src/runtime/docker/docker-engine.ts';
import { buildFixtureImages } from '../../src/runtime/docker/fixture-images.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';
import { drillVariant } from '../helpers/drill-variant.ts';

const engine = await probeDockerEngine();
const required = process.env.DRILL_REQUIRE_DOCKER === '1';

if (!engine.reachable) {
  describe('shipped scenarios on docker', () => {
    it(`${required ? 'fails' : 'is skipped'}: ${engine.reason}`, (context) => {
      if (required) throw new Error(`DRILL_REQUIRE_DOCKER=1 but ${engine.reason}`);
      context.skip(engine.reason);
    });
  });
}

/**
 * Loads shortened to fit the suite's time budget: the same stacks, steps, thresholds and report shape (the full
 * lengths run on processes: the README's main job, `drill monthly`). The restart and the rollback come 5 s in.
 */
const SHORTENED: Record<string, Parameters<typeof drillVariant>[1]> = {
  'scenarios/signal-baseline.yaml': (s) => (s.load.duration = '20s'),
  'drills/master-restart.yaml': (s) => {
    Object.assign(s.load, { duration: '25s', gracefulStop: '10s' });
    s.method[0].at = '5s';
    s.steadyState[0].over = '4s';
  },
  'drills/rollback.yaml': (s) => {
    Object.assign(s.load, { duration: '25s', gracefulStop: '5s' });
    s.steadyState[0].over = '4s';
    Object.assign(s.method[0], { at: '5s' });
    s.method[0].recovered.consecutive = 3;
  },
};

describe.skipIf(!engine.reachable)('shipped scenarios on docker', () => {
  beforeAll(async () => {
    // What `drill images build --offline --release …` does: the releases these files run, on a base made from this node.
    await buildFixtureImages({ offline: true, releases: ['0.100', '1.4.0', '1.5.0', '0.0.5', '0.0.6', '0.1.0'] });
  }, 600_000);

  it.each(['scenarios/signal-baseline.yaml', 'scenarios/wavry-baseline.yaml', 'drills/master-restart.yaml', 'drills/rollback.yaml', 'drills/relay-drain.yaml', 'drills/wavry-rollback.yaml'])(
    '%s passes on containers',
    async (file) => {
      const shorten = SHORTENED[file];
      const run = shorten ? drillVariant(file, shorten) : file;
      const { code, report, output } = await runScenarioFile(run, ['--runtime', 'docker']);
      expect(report.errors, output).toEqual([]);
      expect(report.thresholds.filter((t) => !t.pass), output).toEqual([]);
      expect(report.steps.filter((s) => !s.pass)).toEqual([]);
      expect(code).toBe(0);
      expect(report.runtime).toBe('docker');
      const api = engine.reachable ? engine.client.container.dockerode : undefined;
      for (const service of report.services) {
        expect(service.source, service.name).toMatch(/^fixture:/);
        // From the engine's stats, not from a process table.
        expect(service.rssBytes, service.name).toBeGreaterThan(0);
        // The configuration drift sees the image itself: its reference and the engine's id of it.
        expect(service.config?.image, service.name).toMatch(/^drill\/[a-z]+:/);
        expect(service.config?.imageId, service.name).toBe((await api!.getImage(service.config!.image!).inspect()).Id);
      }
      expect(await containersOfRun(api!, report.runId)).toEqual([]);
    },
    300_000,
  );
});
