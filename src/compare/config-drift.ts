/**
 * Configuration drift: what differs between the services of the baseline and of the candidate (release,
 * source, image, each environment variable, each field of the fixture's release profile), so a regression
 * caused by a changed `WORKER_POOL_SIZE` is told apart from one caused by the code.
 */
import type { Report } from '../report/report-schema.ts';

export interface DriftEntry {
  service: string;
  /** `release`, `source`, `image`, `env.NAME`, `profile.FIELD`, or `service` when it exists on one side only. */
  key: string;
  baseline: string | null;
  candidate: string | null;
}

export function configDrift(baseline: Report, candidate: Report): DriftEntry[] {
  const drift: DriftEntry[] = [];
  // An imported k6 run records no services: it says nothing of the stack's configuration, so nothing drifted.
  if (isImportedWithoutServices(baseline) || isImportedWithoutServices(candidate)) return drift;
  const names = [...new Set([...baseline.services, ...candidate.services].map((s) => s.name))].sort();
  for (const service of names) {
    const b = baseline.services.find((s) => s.name === service);
    const c = candidate.services.find((s) => s.name === service);
    if (!b || !c) {
      drift.push({ service, key: 'service', baseline: b ? b.kind : null, candidate: c ? c.kind : null });
      continue;
    }
    const before = flatten({ release: b.release, source: b.source, ...(b.config ?? {}) });
    const after = flatten({ release: c.release, source: c.source, ...(c.config ?? {}) });
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const x = before.get(key) ?? null;
      const y = after.get(key) ?? null;
      if (x !== y) drift.push({ service, key, baseline: x, candidate: y });
    }
  }
  return drift;
}

function isImportedWithoutServices(report: Report): boolean {
  return report.runtime === 'k6' && report.services.length === 0;
}

function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (value !== undefined) {
    into.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return into;
}
