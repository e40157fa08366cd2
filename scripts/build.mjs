#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ and fixtures/ with tsconfig.build.json into OUT (default dist/), then copies what
 * tsc leaves out and the compiled program reads at run time: each fixture's `releases/*.json` behaviour profiles
 * and the HTML report's page assets (`src/report/html/assets/`).
 *
 *   node scripts/build.mjs [--out-dir DIR]
 *
 * OUT/src and OUT/fixtures are removed first, so a file deleted from the sources does not live on in the build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
const outDir = path.resolve(values['out-dir']);

for (const part of ['src', 'fixtures']) rmSync(path.join(outDir, part), { recursive: true, force: true });
const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir], {
  cwd: root,
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

let profiles = 0;
for (const fixture of readdirSync(path.join(root, 'fixtures'))) {
  const from = path.join(root, 'fixtures', fixture, 'releases');
  if (!existsSync(from)) continue;
  cpSync(from, path.join(outDir, 'fixtures', fixture, 'releases'), { recursive: true, filter: (f) => !path.extname(f) || f.endsWith('.json') });
  profiles += readdirSync(from).filter((f) => f.endsWith('.json')).length;
}
cpSync(path.join(root, 'src/report/html/assets'), path.join(outDir, 'src/report/html/assets'), { recursive: true });
process.stdout.write(`built ${outDir}: ${profiles} release profiles copied\n`);
