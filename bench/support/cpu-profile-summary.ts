/**
 * Self time per function of a V8 CPU profile (`node --cpu-prof`), highest first: where a generator process spends
 * its CPU. `npx tsx bench/support/cpu-profile-summary.ts FILE.cpuprofile [TOP] [SKIP_MS]` prints the top TOP
 * functions (default 25) of the samples after SKIP_MS ms (default 0: startup and warm-up included).
 * `(idle)` is time the process waited in the event loop; time in the kernel for its syscalls and wake-ups does
 * not show here (a `perf record` of the process shows it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs between consecutive samples; the first is from the profile's start. */
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

const shortUrl = (url: string) => url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');

/** Self time of each function (name, file, line) over the samples after `skipMs`, highest first. */
export function selfTimes(profile: CpuProfile, skipMs = 0): SelfTime[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let atUs = 0;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    atUs += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const spanUs = profile.timeDeltas[i + 1] ?? 0;
    if (atUs < skipMs * 1_000) continue;
    const frame = byId.get(profile.samples[i]!)?.callFrame;
    if (!frame) continue;
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + spanUs);
    totalUs += spanUs;
  }
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1_000, share: totalUs > 0 ? us / totalUs : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top = '25', skip = '0'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: cpu-profile-summary FILE.cpuprofile [TOP] [SKIP_MS]');
    process.exit(2);
  }
  const times = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(skip));
  for (const { name, ms, share } of times.slice(0, Number(top))) {
    console.log(`${ms.toFixed(1).padStart(9)} ms ${(share * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
}
