/**
 * The build context of the fixture images (see docker/Dockerfile): compiled fixtures with their release
 * profiles, the packages they import, and the entry point, staged in a temporary folder so a build never
 * reads or writes the working tree's `dist/` while someone else compiles into it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { InfrastructureError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import { fixturesDir, packageRoot } from '../../scenario/fixture-catalog.ts';
import { dependencyClosure, importSpecifiers, isRuntimeFile, packageOfSpecifier, type PackageLock } from './production-modules.ts';

export interface ImageContext {
  /** The folder to send to the engine: `Dockerfile` and `app/`. */
  dir: string;
  /** Fixtures with a compiled `main.js`, in name order. */
  fixtures: string[];
  /** Packages copied into `app/node_modules`. */
  packages: string[];
  /** Native addons (`.node` files) in the context: the offline base image needs the libraries they link. */
  nativeAddons: string[];
  /** Removes the folder. */
  dispose(): void;
}

export interface ImageContextOptions {
  /** Use this compiled output (`npm run build` writes `dist/`) instead of compiling with tsconfig.build.json. */
  distDir?: string;
  logger?: Logger;
}

export function prepareImageContext(options: ImageContextOptions = {}): ImageContext {
  const log = options.logger ?? silentLogger;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-image-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const app = path.join(dir, 'app');
    const dist = path.join(app, 'dist');
    stageCompiledOutput(dist, options.distDir, log);
    const fixtures = readdirSync(path.join(dist, 'fixtures'))
      .filter((f) => existsSync(path.join(dist, 'fixtures', f, 'main.js')))
      .sort();
    for (const fixture of fixtures) copyReleaseProfiles(fixture, dist);
    const packages = packagesImportedBy(fixtures.map((f) => path.join(dist, 'fixtures', f, 'main.js')));
    const nativeAddons = copyPackages(packages, path.join(app, 'node_modules'));
    writeFileSync(
      path.join(app, 'package.json'),
      `${JSON.stringify({ name: 'drill-fixtures', private: true, type: 'module' }, null, 2)}\n`,
    );
    copyFileSync(path.join(packageRoot, 'docker', 'fixture-main.mjs'), path.join(app, 'fixture-main.mjs'));
    copyFileSync(path.join(packageRoot, 'docker', 'Dockerfile'), path.join(dir, 'Dockerfile'));
    log.info(`Image context ready: ${fixtures.length} fixtures, ${packages.length} packages (${dir})`);
    return { dir, fixtures, packages, nativeAddons, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * Compiles the fixtures (and the wire types they import) with the options of tsconfig.build.json, as
 * `npm run build` would, but only what the fixtures reach: a type error elsewhere in `src/` does not stop the
 * images. With `distDir`, or when drill runs installed without a compiler, an existing build is copied instead.
 */
function stageCompiledOutput(dist: string, distDir: string | undefined, log: Logger): void {
  const tsc = distDir ? undefined : typescriptCompiler();
  if (!tsc) {
    const from = path.resolve(distDir ?? path.join(packageRoot, 'dist'));
    if (!existsSync(path.join(from, 'fixtures')))
      throw new InfrastructureError(`no compiled fixtures in ${from}; run \`npm run build\` first`);
    log.info(`Using the compiled output in ${from}`);
    cpSync(from, dist, { recursive: true, filter: (file) => !/\.(?:map|d\.ts)$/.test(file) });
    return;
  }
  log.info('Compiling the fixtures (options of tsconfig.build.json)…');
  const project = path.join(path.dirname(dist), '..', 'tsconfig.fixtures.json');
  const config = {
    extends: path.join(packageRoot, 'tsconfig.build.json'),
    compilerOptions: {
      rootDir: packageRoot,
      outDir: dist,
      declaration: false,
      sourceMap: false,
      typeRoots: [path.join(packageRoot, 'node_modules', '@types')],
    },
    include: [path.join(fixturesDir, '**', '*.ts')],
    exclude: [path.join(fixturesDir, '**', '*.test.ts')],
  };
  writeFileSync(project, JSON.stringify(config, null, 2));
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: packageRoot, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(0, 20).join('\n');
    throw new InfrastructureError(
      `compiling the fixtures failed (tsc exit ${result.status ?? result.signal}); fix these first:\n${output}`,
    );
  }
}

/** The TypeScript compiler of a source checkout, or undefined when drill runs installed (compiled, no typescript). */
function typescriptCompiler(): string | undefined {
  if (!existsSync(path.join(packageRoot, 'tsconfig.build.json'))) return undefined;
  try {
    return createRequire(path.join(packageRoot, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** `releases/*.json` sits next to each fixture's main file; tsc does not copy it. */
function copyReleaseProfiles(fixture: string, dist: string): void {
  const from = path.join(fixturesDir, fixture, 'releases');
  if (!existsSync(from)) return;
  cpSync(from, path.join(dist, 'fixtures', fixture, 'releases'), {
    recursive: true,
    filter: (f) => !path.extname(f) || f.endsWith('.json'),
  });
}

/** Bare imports of every module reachable from `entries` through relative imports. */
function packagesImportedBy(entries: string[]): string[] {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier));
      else {
        const name = packageOfSpecifier(specifier);
        if (name) packages.add(name);
      }
    }
  }
  return [...packages].sort();
}

/** Copies the closure of `roots` from the project's node_modules; returns the `.node` files copied. */
function copyPackages(roots: string[], target: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(packageRoot, 'package-lock.json'), 'utf8')) as PackageLock;
  const addons: string[] = [];
  mkdirSync(target, { recursive: true });
  for (const key of dependencyClosure(lock, roots)) {
    const from = path.join(packageRoot, key);
    // npm installs only the optional packages of this platform (node-datachannel's prebuilt binaries, say).
    if (!existsSync(from) && lock.packages[key]?.optional) continue;
    if (!existsSync(from)) throw new InfrastructureError(`${key} is in package-lock.json but not installed; run \`npm ci\``);
    const to = path.join(target, key.slice('node_modules/'.length));
    const native = existsSync(path.join(from, 'binding.gyp'));
    cpSync(from, to, {
      recursive: true,
      // Nested node_modules are packages of their own, copied (or not) by the closure.
      filter: (file) => {
        const relative = path.relative(from, file).split(path.sep).join('/');
        if (relative.split('/')[0] === 'node_modules') return false;
        if (relative.endsWith('.node')) addons.push(path.join(to, relative));
        return relative === '' || isRuntimeFile(relative, native);
      },
    });
  }
  return addons.filter((file) => existsSync(file));
}
