/**
 * The argv that runs a fixture: from TypeScript sources through tsx when drill itself runs from `src/`,
 * from the compiled `dist/fixtures` when it runs compiled (containers, installed package).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ServiceError } from '../common/errors.ts';
import { fixturesDir, runningFromSources } from '../scenario/fixture-catalog.ts';

export function fixtureArgv(fixture: string): string[] {
  if (runningFromSources) {
    const entry = path.join(fixturesDir, fixture, 'main.ts');
    if (!existsSync(entry)) throw new ServiceError(`fixture "${fixture}" has no ${entry}`);
    // Resolved here: the child runs in its own data folder, where `--import tsx` alone would not resolve.
    return [process.execPath, '--import', import.meta.resolve('tsx'), entry];
  }
  const entry = path.join(fixturesDir, fixture, 'main.js');
  if (!existsSync(entry)) throw new ServiceError(`fixture "${fixture}" is not built: no ${entry}. Run \`npm run build\`.`);
  return [process.execPath, entry];
}
