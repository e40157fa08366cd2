/**
 * The base image for machines without an image registry: `drill/node-base:<node version>`, made with
 * `docker import` from a root file system holding only this machine's node binary, the shared libraries it and
 * the fixtures' native addons link (as `ldd` lists them), and an empty /tmp. It has no shell and no package
 * manager; the fixture images need neither.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageName } from 'testcontainers';
import { InfrastructureError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import type { DockerApi } from './docker-engine.ts';
import { offlineBaseImage } from './docker-names.ts';
import { readProgress } from './engine-progress.ts';

/** Where node sits in the image: on the default PATH of every image. */
const NODE_IN_IMAGE = '/usr/local/bin/node';

export interface OfflineBase {
  image: string;
  /** False when an image of that tag was already there and reused. */
  made: boolean;
  /** Host files copied into it (empty when reused). */
  files: string[];
}

/** Shared libraries (absolute paths, the loader included) named in `ldd` output. */
export function parseLdd(output: string): string[] {
  const files = new Set<string>();
  for (const line of output.split('\n')) {
    const resolved = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(0x/.exec(line)?.[1];
    if (resolved) files.add(resolved);
  }
  return [...files];
}

export function librariesOf(binary: string): string[] {
  const result = spawnSync('ldd', [binary], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0)
    throw new InfrastructureError(
      `\`ldd ${binary}\` failed (${result.stderr?.trim() || result.error?.message}); the offline base image needs ldd (package libc-bin)`,
    );
  return parseLdd(result.stdout);
}

/** Makes `drill/node-base:<node version>` unless it exists (or `rebuild`); `addons` are native modules whose libraries must be in it too. */
export async function ensureOfflineBaseImage(
  api: DockerApi,
  options: { addons?: string[]; rebuild?: boolean; logger?: Logger } = {},
): Promise<OfflineBase> {
  const log = options.logger ?? silentLogger;
  const image = offlineBaseImage();
  const name = ImageName.fromString(image);
  if (!options.rebuild && (await imageExists(api, image))) return { image, made: false, files: [] };
  const libraries = [...new Set([process.execPath, ...(options.addons ?? [])].flatMap(librariesOf))].sort();
  log.info(`Making ${image} with docker import from ${process.execPath} and ${libraries.length} libraries…`);
  const root = mkdtempSync(path.join(os.tmpdir(), 'drill-node-base-'));
  try {
    copyInto(root, process.execPath, NODE_IN_IMAGE);
    for (const library of libraries) copyInto(root, library, library);
    mkdirSync(path.join(root, 'tmp'));
    chmodSync(path.join(root, 'tmp'), 0o1777);
    const libraryPath = [...new Set(libraries.map((l) => path.dirname(l)))].join(':');
    await importTree(api, root, name.image, name.tag, [
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      `ENV LD_LIBRARY_PATH=${libraryPath}`,
      `CMD ["node"]`,
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  log.info(`Made ${image}`);
  return { image, made: true, files: [process.execPath, ...libraries] };
}

export async function imageExists(api: DockerApi, image: string): Promise<boolean> {
  try {
    await api.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Copies a file's content (symlinks followed) to the same absolute path under `root`. */
export function copyInto(root: string, source: string, target: string): void {
  const destination = path.join(root, target);
  mkdirSync(path.dirname(destination), { recursive: true });
  copyFileSync(source, destination);
  chmodSync(destination, 0o755);
}

/** Streams `tar -c` of `root` into the engine's image import (POST /images/create?fromSrc=-). */
export async function importTree(api: DockerApi, root: string, repo: string, tag: string, changes: string[]): Promise<void> {
  const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', '-', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tarErrors = '';
  tar.stderr.on('data', (chunk: Buffer) => (tarErrors += chunk.toString()));
  const tarExit = new Promise<number | null>((resolve) => tar.once('close', resolve));
  try {
    await readProgress(await api.importImage(tar.stdout, { repo, tag, changes }));
  } catch (error) {
    tar.kill('SIGKILL');
    throw new InfrastructureError(`docker import of ${repo}:${tag} failed: ${(error as Error).message}`, { cause: error });
  }
  const code = await tarExit;
  if (code !== 0) throw new InfrastructureError(`tar of the base image's files failed (exit ${code}): ${tarErrors.trim()}`);
}
