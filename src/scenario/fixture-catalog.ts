/** The stand-in services shipped in `fixtures/`, and the releases each has a behaviour profile for. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file whether it runs from `src/` or from `dist/src/`. */
export const packageRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the drill package root');
    dir = parent;
  }
  return dir;
})();

/** True when drill runs from its TypeScript sources (a checkout, through tsx), false when compiled. */
export const runningFromSources = import.meta.url.endsWith('.ts');

/**
 * The fixtures drill starts: `fixtures/` of the checkout from sources, else the compiled ones next to this build
 * (`<outDir>/fixtures`, with the release profiles `npm run build` copies), wherever the build was written.
 */
export const fixturesDir = runningFromSources
  ? path.join(packageRoot, 'fixtures')
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export function fixtureReleases(fixture: string): string[] | undefined {
  const dir = path.join(fixturesDir, fixture, 'releases');
  if (!/^[a-z][a-z0-9-]*$/.test(fixture) || !existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
