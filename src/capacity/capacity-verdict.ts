/**
 * The judgements over a capacity run's sweeps: headroom over the declared peak, what a failover leaves, the
 * scaling curve of a `vary` sweep, the trend against the previous release, the verdict and its exit code.
 */
import { ExitCode } from '../common/errors.ts';
import type { CapacityReport, CapacitySweep } from './capacity-report-schema.ts';

const pct = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;
const rate = (r: number | null, unit: string) => (r === null ? 'none' : `${r} ${unit}`);

/** The sweeps of the whole pool (not a failover), one per vary value. */
export const fullSweeps = (sweeps: readonly CapacitySweep[]) => sweeps.filter((s) => s.stopped.length === 0);

export function headroomOf(sweeps: readonly CapacitySweep[], peak: number | undefined, headroom: number, unit: string): CapacityReport['headroom'] {
  if (peak === undefined) return null;
  const required = Math.round(peak * (1 + headroom) * 1000) / 1000;
  // With vary, the best configuration is judged (the scaling table says which values keep it).
  const best = fullSweeps(sweeps).reduce<CapacitySweep | undefined>((b, s) => ((s.capacity ?? -1) > (b?.capacity ?? -1) ? s : b), undefined);
  const capacity = best?.capacity ?? null;
  const kept = capacity !== null && capacity >= required;
  const margin = capacity === null ? null : Math.round(((capacity - required) / required) * 1000) / 1000;
  const where = best && sweeps.length > 1 ? ` (${best.label})` : '';
  const text =
    capacity === null
      ? `no rate met every SLO: the declared peak of ${peak} ${unit} is not covered`
      : kept
        ? `keeps the headroom: capacity ${rate(capacity, unit)}${where} ≥ peak ${peak} × (1 + ${pct(headroom)}) = ${required} (margin ${pct(margin!)})`
        : `misses the headroom by ${pct(-margin!)}: capacity ${rate(capacity, unit)}${where} < peak ${peak} × (1 + ${pct(headroom)}) = ${required}` +
          (capacity >= peak ? ' (the peak itself is covered, with less headroom than declared)' : ' (below the peak itself)');
  return { peak, headroom, required, capacity, kept, margin, text };
}

export function failoverOf(sweeps: readonly CapacitySweep[], peak: number | undefined, unit: string): CapacityReport['failover'] {
  const failover = sweeps.find((s) => s.stopped.length > 0);
  if (!failover) return null;
  const full = fullSweeps(sweeps)[0];
  const retained = full?.capacity && failover.capacity !== null ? Math.round((failover.capacity / full.capacity) * 1000) / 1000 : null;
  const coversPeak = peak === undefined ? null : failover.capacity !== null && failover.capacity >= peak;
  const left = `with ${failover.stopped.join(', ')} stopped the capacity is ${rate(failover.capacity, unit)}` + (retained !== null ? ` (${pct(retained)} of the full pool's ${full!.capacity})` : '');
  const text = coversPeak === null ? left : `${left}: ${coversPeak ? 'covers' : 'does not cover'} the peak of ${peak} ${unit}`;
  return { stopped: failover.stopped, capacity: failover.capacity, retained, coversPeak, text };
}

export function scalingOf(sweeps: readonly CapacitySweep[]): CapacityReport['scaling'] {
  const varied = fullSweeps(sweeps).filter((s) => s.vary);
  if (varied.length === 0) return null;
  const first = varied[0]!;
  const firstUnits = Number(first.vary!.value);
  const perUnit = first.capacity !== null && firstUnits > 0 ? first.capacity / firstUnits : null;
  return {
    key: first.vary!.key,
    points: varied.map((sweep, i) => {
      const previous = varied[i - 1];
      const added = previous ? Number(sweep.vary!.value) - Number(previous.vary!.value) : NaN;
      const gain = previous && Number.isFinite(added) && added !== 0 && sweep.capacity !== null && previous.capacity !== null ? (sweep.capacity - previous.capacity) / added : null;
      return {
        value: sweep.vary!.value,
        capacity: sweep.capacity,
        gainPerUnit: gain === null ? null : Math.round(gain * 1000) / 1000,
        efficiency: gain === null || !perUnit ? null : Math.round((gain / perUnit) * 1000) / 1000,
      };
    }),
  };
}

export function trendOf(release: string, capacity: number | null, previous: { release: string; runId: string; capacity: number | null } | undefined): CapacityReport['trend'] {
  if (!previous || previous.capacity === null || previous.capacity <= 0) return null;
  const change = capacity === null ? null : Math.round(((capacity - previous.capacity) / previous.capacity) * 1000) / 1000;
  const text =
    change === null
      ? `${release} found no capacity; ${previous.release} had ${previous.capacity}`
      : change < 0
        ? `${release} lost ${pct(-change)} of ${previous.release}'s capacity (${capacity} vs ${previous.capacity})`
        : change > 0
          ? `${release} gained ${pct(change)} over ${previous.release}'s capacity (${capacity} vs ${previous.capacity})`
          : `${release} has ${previous.release}'s capacity (${capacity})`;
  return { previousRelease: previous.release, previousRunId: previous.runId, previousCapacity: previous.capacity, capacity, change, text };
}

export function verdictOf(report: Pick<CapacityReport, 'sweeps' | 'interrupted' | 'headroom' | 'failover' | 'errors'>): CapacityReport['verdict'] {
  if (report.interrupted) return 'interrupted';
  const full = fullSweeps(report.sweeps);
  if (full.length === 0 || report.errors.length > 0) return 'error';
  if (full.every((s) => s.capacity === null)) return 'not-found';
  if (report.headroom) return report.headroom.kept && report.failover?.coversPeak !== false ? 'kept' : 'missed';
  return 'found';
}

export function exitCodeOfCapacity(verdict: CapacityReport['verdict']): ExitCode {
  switch (verdict) {
    case 'kept':
    case 'found':
      return ExitCode.Pass;
    case 'missed':
    case 'not-found':
      return ExitCode.SloBreached;
    default:
      return ExitCode.Infrastructure;
  }
}
