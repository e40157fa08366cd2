/**
 * `drill images build`: the fixture images `drill/<fixture>:<release>`, one per release profile of each fixture,
 * from one build context (see docker/Dockerfile). The base is `node:20-slim` (or `--base`) when the engine has
 * or can pull it; otherwise, or with `offline`, `drill/node-base:<node version>` made from this machine's node.
 */
import { InfrastructureError, UsageError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import { fixtureReleases } from '../../scenario/fixture-catalog.ts';
import { dockerClient, tolerating, type DockerApi } from './docker-engine.ts';
import { fixtureImage, imageLabels } from './docker-names.ts';
import { readProgress } from './engine-progress.ts';
import { prepareImageContext } from './image-context.ts';
import { ensureOfflineBaseImage, imageExists } from './offline-base-image.ts';

/** The Dockerfile's own default base. */
export const DEFAULT_BASE_IMAGE = 'node:20-slim';
/** A pull of the base that takes longer than this counts as failed, ms. */
const PULL_TIMEOUT_MS = 300_000;

export interface ImageBuildOptions {
  /** Base image; a base given here that cannot be had is an error, the default falls back to the offline base. */
  base?: string;
  /** Use (and make when missing) `drill/node-base:<node version>`; never contacts a registry. */
  offline?: boolean;
  /** Build only these fixtures (default: every fixture with a compiled main.js). */
  fixtures?: string[];
  /** Build only these releases (default: every release profile of each fixture). */
  releases?: string[];
  /** Use this compiled output instead of compiling with tsconfig.build.json. */
  distDir?: string;
  logger?: Logger;
}

export interface BaseChoice {
  image: string;
  /** `local`: already in the engine; `pulled`; `offline`: made (or reused) from this machine's node. */
  origin: 'local' | 'pulled' | 'offline';
  /** One sentence on which base was used and why, for the user. */
  note: string;
}

export interface BuiltImage {
  fixture: string;
  release: string;
  tag: string;
  /** Build time, ms. */
  durationMs: number;
}

export interface ImageBuildResult {
  base: BaseChoice;
  images: BuiltImage[];
}

export async function buildFixtureImages(options: ImageBuildOptions = {}): Promise<ImageBuildResult> {
  const log = (options.logger ?? silentLogger).child('images');
  const api = (await dockerClient()).container.dockerode;
  const context = prepareImageContext({ ...(options.distDir ? { distDir: options.distDir } : {}), logger: log });
  try {
    const targets = buildTargets(context.fixtures, options);
    const base = await chooseBase(api, options, context.nativeAddons, log);
    log.info(base.note);
    const images: BuiltImage[] = [];
    for (const { fixture, release } of targets) {
      const tag = fixtureImage(fixture, release);
      const started = performance.now();
      log.info(`Building ${tag}…`);
      const stream = await api.buildImage(
        { context: context.dir, src: ['Dockerfile', 'app'] },
        {
          t: tag,
          buildargs: { BASE_IMAGE: base.image, FIXTURE: fixture, RELEASE: release },
          labels: { [imageLabels.fixture]: fixture, [imageLabels.release]: release, [imageLabels.base]: base.image },
          rm: true,
          forcerm: true,
        },
      );
      try {
        await readProgress(stream, (line) => log.debug(line));
      } catch (error) {
        throw new InfrastructureError(`building ${tag} failed: ${(error as Error).message}`, { cause: error });
      }
      images.push({ fixture, release, tag, durationMs: Math.round(performance.now() - started) });
    }
    await removeSupersededImages(api, log);
    return { base, images };
  } finally {
    context.dispose();
  }
}

function buildTargets(available: string[], options: ImageBuildOptions): { fixture: string; release: string }[] {
  const unknown = (options.fixtures ?? []).filter((f) => !available.includes(f));
  if (unknown.length > 0) throw new UsageError(`no fixture ${unknown.join(', ')}; the fixtures are ${available.join(', ')}`);
  const targets = (options.fixtures ?? available).flatMap((fixture) =>
    (fixtureReleases(fixture) ?? [])
      .filter((r) => !options.releases || options.releases.includes(r))
      .map((release) => ({ fixture, release })),
  );
  if (targets.length === 0) throw new UsageError(`nothing to build: no release profile matches ${options.releases?.join(', ') ?? '(any)'}`);
  return targets;
}

async function chooseBase(api: DockerApi, options: ImageBuildOptions, addons: string[], log: Logger): Promise<BaseChoice> {
  const offline = async (why: string): Promise<BaseChoice> => {
    const made = await ensureOfflineBaseImage(api, { addons, logger: log });
    const how = made.made
      ? `made now with docker import from ${made.files[0]} and ${made.files.length - 1} libraries`
      : "made earlier from this machine's node";
    return { image: made.image, origin: 'offline', note: `Base image: ${made.image} (${how}; ${why})` };
  };
  if (options.offline) return offline('--offline');
  const wanted = options.base ?? DEFAULT_BASE_IMAGE;
  if (await imageExists(api, wanted)) return { image: wanted, origin: 'local', note: `Base image: ${wanted} (already in the engine)` };
  try {
    log.info(`Pulling ${wanted}…`);
    await pull(api, wanted);
    return { image: wanted, origin: 'pulled', note: `Base image: ${wanted} (pulled)` };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    if (options.base)
      throw new InfrastructureError(
        `cannot pull the base image ${wanted}: ${reason}. Use --offline to build on this machine's node instead.`,
        { cause: error },
      );
    log.warn(`Cannot pull ${wanted} (${reason}); falling back to the offline base`);
    return offline(`${wanted} could not be pulled`);
  }
}

/** Images a rebuild took the tag from: untagged, labelled as fixture images, used by no container. */
async function removeSupersededImages(api: DockerApi, log: Logger): Promise<void> {
  const dangling = await api.listImages({ filters: { dangling: ['true'], label: [imageLabels.fixture] } });
  for (const image of dangling) {
    await tolerating([404, 409], () => api.getImage(image.Id).remove());
  }
  if (dangling.length > 0) log.info(`Removed ${dangling.length} superseded fixture image(s)`);
}

async function pull(api: DockerApi, image: string): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no pull within ${PULL_TIMEOUT_MS} ms`)), PULL_TIMEOUT_MS);
  try {
    await readProgress(await api.pull(image, { abortSignal: controller.signal }));
  } finally {
    clearTimeout(timer);
  }
}
