/**
 * The effective configuration of a service as report.json records it, for the configuration-drift list of
 * `drill compare`: release, source (fixture, command, image), the environment it was given with secrets
 * redacted, and the fixture's release profile. Values that change on every run (ports drill reserved, the run
 * folder) are written as placeholders so only real changes show as drift (`${dataDir}`, `${runDir}`, `${port}`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServicePlan } from '../runtime/runtime.ts';
import { fixturesDir } from '../scenario/fixture-catalog.ts';

export interface ServiceConfig {
  release: string;
  source: string;
  image?: string;
  /** The engine's id of the image (`sha256:…`), on the container runtime. */
  imageId?: string;
  env: Record<string, string>;
  /** The fixture's `releases/<release>.json`, when the service is a fixture. */
  profile?: Record<string, unknown>;
}

/** Environment variable names whose values are never written. */
const SECRET_NAME = /secret|token|password|passwd|credential|private|api[-_]?key|signing[-_]?key|auth/i;
export const REDACTED = '[redacted]';

export function serviceConfig(plan: ServicePlan, allPlans: readonly ServicePlan[], image?: { ref: string; id: string }): ServiceConfig {
  const ports = new Set(allPlans.flatMap((p) => Object.values(p.ports).map((b) => String(b.port))));
  const runDir = path.dirname(path.dirname(plan.logFile));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(plan.env).sort(([a], [b]) => a.localeCompare(b))) {
    env[name] = SECRET_NAME.test(name) ? REDACTED : stableValue(value, ports, plan.dataDir, runDir);
  }
  const source = plan.source;
  const config: ServiceConfig = {
    release: plan.release,
    source:
      source.type === 'fixture'
        ? `fixture:${source.fixture}`
        : source.type === 'command'
          ? `command:${source.argv.join(' ')}`
          : source.type === 'image'
            ? `image:${source.image}`
            : source.type === 'server'
              ? `server:${source.server}`
              : `external:${source.url}`,
    env,
  };
  if (source.type === 'image') config.image = source.image;
  if (image) {
    config.image = image.ref;
    config.imageId = image.id;
  }
  const profile = source.type === 'fixture' ? fixtureProfile(source.fixture, plan.release) : undefined;
  if (profile) config.profile = profile;
  return config;
}

function stableValue(value: string, ports: Set<string>, dataDir: string, runDir: string): string {
  const withoutDir = value.split(dataDir).join('${dataDir}').split(runDir).join('${runDir}');
  // Loopback addresses carry ports drill picked for this run (services, fault proxies).
  const withoutAddresses = withoutDir.replace(/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+/g, '$1:${port}');
  return withoutAddresses.replace(/\d{2,5}/g, (digits, offset: number, whole: string) => {
    const before = whole[offset - 1];
    const after = whole[offset + digits.length];
    const standalone = (before === undefined || /[^\d.]/.test(before)) && (after === undefined || /[^\d.]/.test(after));
    return standalone && ports.has(digits) ? '${port}' : digits;
  });
}

function fixtureProfile(fixture: string, release: string): Record<string, unknown> | undefined {
  const file = path.join(fixturesDir, fixture, 'releases', `${release}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
