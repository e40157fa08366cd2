/**
 * `drill doctor`: whether this machine can run scenarios with `runtime: docker`, and for everything missing the
 * command that fixes it. Checks Node, the Docker engine (endpoint, version), loopback ports and host networking,
 * the base image and the fixture images of every release, and the redis-server of `redis` services.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import path from 'node:path';
import { fixtureReleases, fixturesDir, packageRoot } from '../../scenario/fixture-catalog.ts';
import { probeDockerEngine, type DockerApi } from './docker-engine.ts';
import { fixtureImage, offlineBaseImage } from './docker-names.ts';
import { DEFAULT_BASE_IMAGE } from './fixture-images.ts';
import { imageExists } from './offline-base-image.ts';
import { checkRedisServer } from '../redis-server.ts';
import { checkRedisImage } from './redis-image.ts';

export interface DoctorCheck {
  name: string;
  /** `missing` fails the doctor; `warn` is worth knowing but does not stop a run. */
  status: 'ok' | 'warn' | 'missing';
  detail: string;
  /** The command (or step) that fixes a `missing` or `warn`. */
  fix?: string;
}

export async function diagnoseDocker(): Promise<DoctorCheck[]> {
  const checks = [checkNode(), await checkLoopback(), checkRedisServer()];
  const engine = await probeDockerEngine();
  if (!engine.reachable) {
    checks.push({ name: 'docker', status: 'missing', detail: engine.reason, fix: 'sudo scripts/setup-docker.sh' });
    return checks;
  }
  const info = engine.client.info.containerRuntime;
  checks.push({ name: 'docker', status: 'ok', detail: `engine ${engine.serverVersion} (API ${engine.apiVersion}) at ${engine.endpoint}` });
  const desktop = /docker desktop/i.test(info.operatingSystem);
  checks.push(
    info.operatingSystemType === 'linux' && !desktop
      ? {
          name: 'network',
          status: 'ok',
          detail: `host networking on ${info.operatingSystem}: containers listen on the harness's 127.0.0.1`,
        }
      : {
          name: 'network',
          status: 'warn',
          detail: `the engine runs on ${info.operatingSystem}; host networking may not share 127.0.0.1 with the harness`,
          fix: 'run drill on a Linux host with a native Docker engine',
        },
  );
  const api = engine.client.container.dockerode;
  checks.push(await checkBase(api));
  for (const fixture of fixtureNames()) checks.push(await checkFixtureImages(api, fixture));
  checks.push(await checkRedisImage(api));
  return checks;
}

function checkNode(): DoctorCheck {
  const wanted =
    (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '>=20';
  const minimum = /(\d+)\.?(\d+)?\.?(\d+)?/
    .exec(wanted)
    ?.slice(1)
    .map((n) => Number(n ?? 0)) ?? [20, 0, 0];
  const actual = process.versions.node.split('.').map(Number);
  const newer = compareVersions(actual, minimum) >= 0;
  return newer
    ? { name: 'node', status: 'ok', detail: `${process.versions.node} (needs ${wanted})` }
    : {
        name: 'node',
        status: 'missing',
        detail: `${process.versions.node} is older than ${wanted}`,
        fix: `install Node ${wanted.replace('>=', '')} or newer`,
      };
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Services, fault proxies and the load all live on 127.0.0.1 ports the harness allocates. */
async function checkLoopback(): Promise<DoctorCheck> {
  try {
    const tcp = net.createServer();
    await new Promise<void>((resolve, reject) => tcp.once('error', reject).listen(0, '127.0.0.1', resolve));
    await new Promise((resolve) => tcp.close(resolve));
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => udp.once('error', reject).bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => udp.close(resolve));
    return { name: 'ports', status: 'ok', detail: 'TCP and UDP ports on 127.0.0.1 can be bound' };
  } catch (error) {
    return {
      name: 'ports',
      status: 'missing',
      detail: `cannot bind a port on 127.0.0.1: ${(error as Error).message}`,
      fix: 'bring up the loopback interface (ip link set lo up)',
    };
  }
}

async function checkBase(api: DockerApi): Promise<DoctorCheck> {
  const present = [];
  for (const image of [DEFAULT_BASE_IMAGE, offlineBaseImage()]) if (await imageExists(api, image)) present.push(image);
  return present.length > 0
    ? { name: 'base', status: 'ok', detail: `base image ${present.join(' and ')} present` }
    : {
        name: 'base',
        status: 'warn',
        detail: `neither ${DEFAULT_BASE_IMAGE} nor ${offlineBaseImage()} is in the engine; a build pulls the first or makes the second`,
        fix: 'drill images build --offline',
      };
}

async function checkFixtureImages(api: DockerApi, fixture: string): Promise<DoctorCheck> {
  const tags = (fixtureReleases(fixture) ?? []).map((release) => fixtureImage(fixture, release));
  const missing = [];
  for (const tag of tags) if (!(await imageExists(api, tag))) missing.push(tag);
  if (missing.length === 0) return { name: `images ${fixture}`, status: 'ok', detail: tags.join(', ') };
  return {
    name: `images ${fixture}`,
    status: 'missing',
    detail: `${missing.join(', ')} not built`,
    fix: `drill images build --fixture ${fixture} (add --offline when no image registry is reachable)`,
  };
}

/** Fixtures with a main file and at least one release profile. */
function fixtureNames(): string[] {
  if (!existsSync(fixturesDir)) return [];
  return readdirSync(fixturesDir)
    .filter((f) => existsSync(path.join(fixturesDir, f, 'main.ts')) && (fixtureReleases(f)?.length ?? 0) > 0)
    .sort();
}
