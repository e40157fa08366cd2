/**
 * `npm run bench [-- name … [--flag value …]]`: runs each benchmark module in turn (all of them without names).
 * A module exports `run(flags)`, which prints its figures and ratios (and may record them in BENCHMARKS.md);
 * flags after the names (`--duration 60s`) go to every module run, each module reading the ones it knows.
 * Add a module by adding a line to `modules`.
 */
import { parseArgs } from 'node:util';

export type BenchFlags = Record<string, string | boolean | undefined>;

interface BenchModule {
  run(flags: BenchFlags): Promise<void>;
}

const modules: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'load-generator', load: () => import('./load-generator.ts') },
  { name: 'long-run', load: () => import('./long-run.ts') },
  { name: 'proxy', load: () => import('./proxy.ts') },
  { name: 'wavry-sessions', load: () => import('./wavry-sessions.ts') },
  { name: 'k6-import', load: () => import('./k6-import.ts') },
  { name: 'bot-storage', load: () => import('./bot-storage.ts') },
  { name: 'release-compare', load: () => import('./release-compare.ts') },
];
/** Modules run when none is named: long-run takes ten minutes and runs only when asked for. */
const byDefault = (name: string) => name !== 'long-run';

/** Flags the modules read: `--rounds`, `--cpu-prof` (load-generator), `--duration`, `--rate`, `--sample-every` (long-run). */
const FLAGS = ['rounds', 'cpu-prof', 'duration', 'rate', 'sample-every'] as const;

function parseFlags(): { wanted: string[]; flags: BenchFlags } {
  try {
    const options = Object.fromEntries(FLAGS.map((name) => [name, { type: 'string' as const }]));
    const { positionals, values } = parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: true });
    return { wanted: positionals, flags: values };
  } catch (error) {
    console.error(`${(error as Error).message}; flags: ${FLAGS.map((f) => `--${f} VALUE`).join(', ')}`);
    process.exit(2);
  }
}

const { wanted, flags } = parseFlags();
const unknown = wanted.filter((name) => !modules.some((m) => m.name === name));
if (unknown.length > 0) {
  console.error(`unknown bench module(s): ${unknown.join(', ')}; known: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}

for (const { name, load } of modules.filter((m) => (wanted.length === 0 ? byDefault(m.name) : wanted.includes(m.name)))) {
  const startedAt = performance.now();
  console.log(`\n== ${name}`);
  await (await load()).run(flags);
  console.log(`== ${name} done in ${((performance.now() - startedAt) / 1_000).toFixed(0)} s`);
}
