/**
 * Reads k6's JSON output (`--out json=FILE`, one JSON object a line, `.gz` too) of one or several runners into
 * drill's SLI sets: one for the whole run and one per `phase` tag. Every `Point` of a metric that maps to a drill
 * SLI is recorded as drill records it — trends into HdrHistograms (ms), rates as bad (non-zero) / total, counters
 * summed, gauges sampled — so histograms rebuilt from several runners' samples merge exactly.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { LatencyHistogram } from '../../load/latency-histogram.ts';
import { sliCatalog } from '../../sli/catalog.ts';
import { SliSet } from '../../sli/sli-set.ts';
import { InputError } from './input-error.ts';
import { sliOfK6Metric } from './k6-metric-names.ts';
import { WATCHER_SCENARIO } from './signal-script.ts';

interface PointLine {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags?: Record<string, string> | null };
}

export interface ImportedSamples {
  run: SliSet;
  phases: Map<string, { set: SliSet; firstMs: number; lastMs: number }>;
  /** Epoch ms of the first and last sample. */
  firstMs: number;
  lastMs: number;
  /** Points read, and the runners (instance_id tags, else files) they came from. */
  points: number;
  runners: Set<string>;
}

const kinds = new Map(Object.values(sliCatalog).flatMap((defs) => defs.map((d) => [d.name, d.kind] as const)));
const newHistogram = () => new LatencyHistogram();

function record(set: SliSet, metric: string, value: number): void {
  const target = sliOfK6Metric(metric);
  if (!target) return;
  if (target.role === 'arrivals') {
    set.count('arrivals', value);
    set.rate('dropped_arrivals', false, value);
    return;
  }
  if (target.role === 'dropped') return set.rate('dropped_arrivals', true, value);
  switch (kinds.get(target.sli)) {
    case 'trend':
      return set.trend(target.sli).recordMs(value);
    case 'rate':
      return set.rate(target.sli, value !== 0);
    case 'counter':
      return set.count(target.sli, value);
    case 'gauge':
      return set.gauge(target.sli, value);
  }
}

function parseLine(line: string, file: string, lineNumber: number): PointLine | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new InputError(`${file}:${lineNumber}: not a JSON line; give the file k6 wrote with --out json=FILE`);
  }
  const point = parsed as Partial<PointLine>;
  if (point.type !== 'Point') return undefined;
  if (typeof point.metric !== 'string' || typeof point.data?.value !== 'number' || typeof point.data.time !== 'string') {
    throw new InputError(`${file}:${lineNumber}: a Point needs metric, data.time and data.value`);
  }
  return point as PointLine;
}

export function emptySamples(): ImportedSamples {
  return { run: new SliSet('run', newHistogram), phases: new Map(), firstMs: Infinity, lastMs: -Infinity, points: 0, runners: new Set() };
}

export async function readK6JsonOutput(file: string, into: ImportedSamples = emptySamples()): Promise<ImportedSamples> {
  const raw = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    raw.once('open', () => resolve());
    raw.once('error', (error) => reject(new InputError(`${file}: cannot read the k6 JSON output: ${error.message}`, { cause: error })));
  });
  await opened;
  const lines = createInterface({ input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const point = parseLine(line, file, lineNumber);
    if (!point) continue;
    const atMs = Date.parse(point.data.time);
    if (Number.isNaN(atMs)) throw new InputError(`${file}:${lineNumber}: data.time is not a time: "${point.data.time}"`);
    const tags = point.data.tags ?? {};
    if (point.metric === 'iterations' && tags['scenario'] === WATCHER_SCENARIO) continue; // not an arrival
    into.points++;
    into.runners.add(tags['instance_id'] ?? file);
    into.firstMs = Math.min(into.firstMs, atMs);
    into.lastMs = Math.max(into.lastMs, atMs);
    record(into.run, point.metric, point.data.value);
    const phaseName = tags['phase'];
    if (phaseName === undefined) continue;
    let phase = into.phases.get(phaseName);
    if (!phase) into.phases.set(phaseName, (phase = { set: new SliSet(phaseName, newHistogram), firstMs: atMs, lastMs: atMs }));
    phase.firstMs = Math.min(phase.firstMs, atMs);
    phase.lastMs = Math.max(phase.lastMs, atMs);
    record(phase.set, point.metric, point.data.value);
  }
  return into;
}
