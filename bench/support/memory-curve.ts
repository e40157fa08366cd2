/** The long-run bench's samples as a table and a summary of growth once warm, for the console and BENCHMARKS.md. */
import { formatTable } from './load-report.ts';

/** One sample of the harness process. */
export interface MemorySample {
  /** Since the load started, ms. */
  tMs: number;
  /** After a full collection, bytes. */
  rssBytes: number;
  /** V8 heap in use as found, before the collection, bytes. */
  heapUsedBytes: number;
  /** V8 heap in use right after a full collection: what the run keeps alive, bytes. */
  liveHeapBytes: number;
  heapTotalBytes: number;
  /** Memory held outside the V8 heap: C++ objects bound to JS, and ArrayBuffers (Buffers), bytes. */
  externalBytes: number;
  /** CPU of this process since the previous sample, as a share of one core. */
  cpuShare: number;
  /** Arrivals per second so far, as the progress line shows it. */
  achievedRate: number;
  p99Ms: number | null;
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

export function memoryTable(samples: MemorySample[]): string {
  return formatTable(
    ['t s', 'RSS MB', 'heap used MB', 'live heap MB', 'heap total MB', 'external + buffers MB', 'CPU % of a core', 'achieved msg/s', 'reply p99 ms'],
    samples.map((s) => [
      (s.tMs / 1_000).toFixed(0),
      mb(s.rssBytes),
      mb(s.heapUsedBytes),
      mb(s.liveHeapBytes),
      mb(s.heapTotalBytes),
      mb(s.externalBytes),
      (s.cpuShare * 100).toFixed(0),
      s.achievedRate.toFixed(0),
      s.p99Ms === null ? '—' : s.p99Ms.toFixed(0),
    ]),
  );
}

/** Least-squares slope of `value` over `tMs`, per minute. */
function slopePerMinute(samples: MemorySample[], value: (s: MemorySample) => number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((sum, s) => sum + s.tMs, 0) / n;
  const meanV = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.tMs - meanT) * (value(s) - meanV);
    den += (s.tMs - meanT) ** 2;
  }
  return den > 0 ? (num / den) * 60_000 : 0;
}

/** The live heap at the end of each minute from `fromMs`. */
function liveHeapByMinute(samples: MemorySample[], fromMs: number): string[] {
  const byMinute = new Map<number, MemorySample>();
  for (const s of samples.filter((x) => x.tMs >= fromMs)) byMinute.set(Math.floor(s.tMs / 60_000), s);
  return [...byMinute].map(([minute, s]) => `${minute + 1}: ${mb(s.liveHeapBytes)}`);
}

/** Growth from the end of the warm-up to the end: slopes, first and last samples, and heap floors per minute. */
export function summarizeMemory(samples: MemorySample[], warmupMs: number): string {
  const warm = samples.filter((s) => s.tMs >= warmupMs);
  if (warm.length < 2) return `Too few samples after the ${warmupMs / 1_000} s warm-up to judge growth (${samples.length} samples in all).`;
  const first = warm[0]!;
  const last = warm.at(-1)!;
  const rssSlope = slopePerMinute(warm, (s) => s.rssBytes);
  const heapSlope = slopePerMinute(warm, (s) => s.liveHeapBytes);
  const peakRss = Math.max(...warm.map((s) => s.rssBytes));
  const meanCpu = warm.reduce((sum, s) => sum + s.cpuShare, 0) / warm.length;
  return [
    `After the ${warmupMs / 1_000} s warm-up (${warm.length} samples, ${(first.tMs / 1_000).toFixed(0)} s to ${(last.tMs / 1_000).toFixed(0)} s):`,
    `RSS ${mb(first.rssBytes)} → ${mb(last.rssBytes)} MB (peak ${mb(peakRss)} MB), least-squares slope ${(rssSlope / 1_048_576).toFixed(2)} MB/min;`,
    `live heap ${mb(first.liveHeapBytes)} → ${mb(last.liveHeapBytes)} MB, slope ${(heapSlope / 1_048_576).toFixed(2)} MB/min;`,
    `live heap at the end of each minute from the first: ${liveHeapByMinute(samples, 0).join(', ')} MB;`,
    `CPU ${(meanCpu * 100).toFixed(0)} % of a core on average.`,
  ].join(' ');
}
