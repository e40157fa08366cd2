/**
 * `npm run bench [-- name …]`: runs each benchmark module in turn (all of them without names).
 * A module exports `run()`, which prints its figures and ratios (and may record them in BENCHMARKS.md).
 * Add a module by adding a line to `modules`.
 */
interface BenchModule {
  run(): Promise<void>;
}

const modules: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'load-generator', load: () => import('./load-generator.ts') },
  { name: 'proxy', load: () => import('./proxy.ts') },
  { name: 'wavry-sessions', load: () => import('./wavry-sessions.ts') },
  { name: 'release-compare', load: () => import('./release-compare.ts') },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !modules.some((m) => m.name === name));
if (unknown.length > 0) {
  console.error(`unknown bench module(s): ${unknown.join(', ')}; known: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}

for (const { name, load } of modules.filter((m) => wanted.length === 0 || wanted.includes(m.name))) {
  const startedAt = performance.now();
  console.log(`\n== ${name}`);
  await (await load()).run();
  console.log(`== ${name} done in ${((performance.now() - startedAt) / 1_000).toFixed(0)} s`);
}
