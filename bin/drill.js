#!/usr/bin/env node
// Which program runs is never a guess, so a stale build cannot stand in for the sources:
//  - an installed package ships no src/: the compiled CLI (dist/) runs;
//  - a checkout runs its TypeScript sources through tsx, unless DRILL_FROM_DIST=1 asks for what `npm run build`
//    wrote (DRILL_FROM_SOURCES=1 forces the sources even where src/ and dist/ both exist).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const sources = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const fromDist = process.env.DRILL_FROM_SOURCES ? false : process.env.DRILL_FROM_DIST === '1' || !existsSync(sources);
if (fromDist) {
  if (!existsSync(compiled)) {
    process.stderr.write(`drill: no compiled CLI at ${compiled}; run \`npm run build\` first\n`);
    process.exit(3);
  }
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(sources).href);
}
