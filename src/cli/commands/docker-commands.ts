/**
 * The commands of the container runtime: `drill images` (build and list the fixture images) and `drill doctor`
 * (can this machine run `runtime: docker`, and what fixes what is missing).
 */
import { parseArgs } from 'node:util';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { createLogger, type LogLevel } from '../../common/logger.ts';
import { diagnoseDocker } from '../../runtime/docker/docker-doctor.ts';
import { dockerClient } from '../../runtime/docker/docker-engine.ts';
import { imageLabels } from '../../runtime/docker/docker-names.ts';
import { buildFixtureImages } from '../../runtime/docker/fixture-images.ts';
import type { CommandIo } from '../commands.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

export const dockerUsage = `  drill images build [options]     build drill/<fixture>:<release> for every fixture release (compiles first)
      --base IMAGE                 base image (default node:20-slim; falls back to the offline base if it cannot be pulled)
      --offline                    base on drill/node-base:<node version>, made from this machine's node; no registry
      --fixture NAME               only this fixture (repeatable); --release R: only this release (repeatable)
      --dist DIR                   use this compiled output (npm run build) instead of compiling
  drill images list                the fixture images in the engine
  drill doctor                     check Node, the Docker engine, ports and images; prints the fix for what is missing
`;

function logLevel(value: string | undefined): LogLevel {
  const level = (value ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  return level;
}

const build: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      base: { type: 'string' },
      offline: { type: 'boolean', default: false },
      fixture: { type: 'string', multiple: true },
      release: { type: 'string', multiple: true },
      dist: { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`drill images build takes no arguments, got ${positionals.join(' ')}`);
  if (values.base && values.offline) throw new UsageError('give --base or --offline, not both');
  const result = await buildFixtureImages({
    ...(values.base ? { base: values.base } : {}),
    offline: values.offline ?? false,
    ...(values.fixture ? { fixtures: values.fixture } : {}),
    ...(values.release ? { releases: values.release } : {}),
    ...(values.dist ? { distDir: values.dist } : {}),
    logger: createLogger(io.stderr, logLevel(values['log-level'])),
  });
  io.stdout.write(`${result.base.note}\n`);
  for (const image of result.images) io.stdout.write(`built ${image.tag} in ${(image.durationMs / 1000).toFixed(1)} s\n`);
  return ExitCode.Pass;
};

const list: Command = async (_args, io) => {
  const api = (await dockerClient()).container.dockerode;
  const images = await api.listImages({ filters: { label: [imageLabels.fixture] } });
  const tags = images.flatMap((i) =>
    (i.RepoTags ?? [])
      .filter((tag) => tag !== '<none>:<none>')
      .map((tag) => ({ tag, base: i.Labels?.[imageLabels.base] ?? '?', created: i.Created })),
  );
  tags.sort((a, b) => a.tag.localeCompare(b.tag));
  if (tags.length === 0) io.stdout.write('no fixture images; run `drill images build` (with --offline when no registry is reachable)\n');
  for (const t of tags)
    io.stdout.write(`${t.tag.padEnd(28)} base ${t.base.padEnd(26)} built ${new Date(t.created * 1000).toISOString()}\n`);
  return ExitCode.Pass;
};

export const images: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === 'build') return build(rest, io);
  if (sub === 'list') return list(rest, io);
  throw new UsageError(`drill images needs build or list, got ${sub ? `"${sub}"` : 'nothing'}\n${dockerUsage}`);
};

export const doctor: Command = async (args, io) => {
  if (args.length > 0) throw new UsageError(`drill doctor takes no arguments, got ${args.join(' ')}`);
  const checks = await diagnoseDocker();
  for (const check of checks) {
    io.stdout.write(`${check.status.padEnd(8)}${check.name.padEnd(16)}${check.detail}\n`);
    if (check.fix && check.status !== 'ok') io.stdout.write(`${''.padEnd(24)}fix: ${check.fix}\n`);
  }
  const missing = checks.filter((c) => c.status === 'missing').length;
  io.stdout.write(
    missing ? `\n${missing} problem(s): run the fix lines above, then \`drill doctor\` again\n` : '\nready for runtime: docker\n',
  );
  return missing ? ExitCode.Infrastructure : ExitCode.Pass;
};
