/**
 * The image of `redis` services on the container runtime: `drill/redis:<version>`, made with `docker import`
 * from this machine's redis-server (the Debian package's binary) and the shared libraries `ldd` lists for it,
 * as the offline node base is. No image registry is involved: the engine has no Debian base image to install
 * the package into (only drill's own imported images, without a shell or apt), and none can be pulled here.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import { findRedisServer, REDIS_INSTALL_HINT } from '../redis-server.ts';
import type { DockerApi } from './docker-engine.ts';
import type { DoctorCheck } from './docker-doctor.ts';
import { copyInto, imageExists, importTree, librariesOf } from './offline-base-image.ts';

/** Where redis-server sits in the image; its name decides its mode (the package's binary is redis-check-rdb). */
export const REDIS_IN_IMAGE = '/usr/bin/redis-server';
const REPOSITORY = 'drill/redis';

/** The tag for this machine's redis-server, such as `drill/redis:7.0.15`. */
export function redisImageName(binary: string): string {
  const version = /v=(\S+)/.exec(spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 }).stdout ?? '')?.[1];
  if (!version) throw new ServiceError(`${binary} --version did not print a version; reinstall it (${REDIS_INSTALL_HINT})`);
  return `${REPOSITORY}:${version}`;
}

/** Makes `drill/redis:<version>` unless the engine has it; returns its name. */
export async function ensureRedisImage(api: DockerApi, logger: Logger = silentLogger): Promise<string> {
  const binary = findRedisServer();
  if (!binary) throw new ServiceError(`redis services need redis-server on this machine for their image; install it with \`${REDIS_INSTALL_HINT}\``);
  const image = redisImageName(binary);
  if (await imageExists(api, image)) return image;
  const libraries = librariesOf(binary);
  logger.info(`Making ${image} with docker import from ${binary} and ${libraries.length} libraries…`);
  const root = mkdtempSync(path.join(os.tmpdir(), 'drill-redis-image-'));
  try {
    copyInto(root, binary, REDIS_IN_IMAGE);
    for (const library of libraries) copyInto(root, library, library);
    mkdirSync(path.join(root, 'tmp'));
    chmodSync(path.join(root, 'tmp'), 0o1777);
    const libraryPath = [...new Set(libraries.map((l) => path.dirname(l)))].join(':');
    await importTree(api, root, REPOSITORY, image.slice(REPOSITORY.length + 1), [
      `ENV LD_LIBRARY_PATH=${libraryPath}`,
      `CMD ["${REDIS_IN_IMAGE}"]`,
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  logger.info(`Made ${image}`);
  return image;
}

/** `drill doctor`'s line on the redis image: present, or made on first use (a warning when it cannot be). */
export async function checkRedisImage(api: DockerApi): Promise<DoctorCheck> {
  const binary = findRedisServer();
  if (!binary) return { name: 'redis image', status: 'warn', detail: 'cannot be made: redis-server is missing', fix: REDIS_INSTALL_HINT };
  const image = redisImageName(binary);
  return (await imageExists(api, image))
    ? { name: 'redis image', status: 'ok', detail: `${image} present` }
    : { name: 'redis image', status: 'ok', detail: `${image} is made from ${binary} when a redis service first starts` };
}
