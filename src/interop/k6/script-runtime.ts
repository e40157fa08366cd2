/**
 * The part of every exported k6 script that does not depend on the workload: the intended start of each iteration
 * (from the k6 scenario's rate profile, as k6's arrival-rate executors space iterations), a seeded random source
 * per iteration, and the required environment variables. Emitted as TypeScript source text.
 */
import type { PhaseWindow } from './phase-windows.ts';
import type { RateProfile } from './rate-profile.ts';

export function runtimeSource(profiles: Record<string, RateProfile>, windows: PhaseWindow[], seed: number): string {
  return `interface RateProfile {
  startRate: number;
  timeUnitMs: number;
  stages: { target: number; durationMs: number }[];
}

/** Per k6 scenario, its part of the arrival-rate profile. */
const PROFILES: Record<string, RateProfile> = ${JSON.stringify(profiles)};
/** drill's phases as windows of load time, ms from the start of the test. */
const PHASES: { name: string; startMs: number; endMs: number }[] = ${JSON.stringify(windows)};
const SEED = ${seed};

/** Offset of the n-th arrival (0-based) from the start of its profile, ms: the inverse of the arrivals so far. */
function offsetOfArrival(profile: RateProfile, n: number): number {
  let from = profile.startRate;
  let t = 0;
  let left = n;
  for (const stage of profile.stages) {
    const inStage = ((from + stage.target) / 2) * (stage.durationMs / profile.timeUnitMs);
    if (left < inStage) {
      const slope = (stage.target - from) / stage.durationMs;
      const units = left * profile.timeUnitMs;
      if (Math.abs(slope) < 1e-12) return t + units / from;
      return t + (-from + Math.sqrt(from * from + 2 * slope * units)) / slope;
    }
    left -= inStage;
    t += stage.durationMs;
    from = stage.target;
  }
  return t;
}

/**
 * When this iteration was due, epoch ms. k6 numbers iterations across every runner of a split test
 * (iterationInTest); a dropped iteration shifts later numbers, so keep maxVUs high enough that none drop.
 */
function intendedAtMs(): number {
  const profile = PROFILES[exec.scenario.name];
  if (profile === undefined) return Date.now();
  return Math.min(Date.now(), exec.scenario.startTime + offsetOfArrival(profile, exec.scenario.iterationInTest));
}

/** The drill phase holding an epoch-ms moment of this test. */
function phaseAt(atMs: number, testStartMs: number): string {
  const offsetMs = atMs - testStartMs;
  let name = PHASES[0] === undefined ? 'run' : PHASES[0].name;
  for (const phase of PHASES) if (phase.startMs <= offsetMs) name = phase.name;
  return name;
}

/** A seeded random source per (scenario, iteration): the same run draws the same choices (mulberry32). */
function randomFor(scenario: string, n: number): () => number {
  let state = SEED ^ (n * 0x9e3779b1);
  for (let i = 0; i < scenario.length; i++) state = Math.imul(state ^ scenario.charCodeAt(i), 0x01000193);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function requiredEnv(name: string, example: string): string {
  const value = __ENV[name];
  if (!value) throw new Error(\`set \${name} (k6 run -e \${name}=\${example}): the address this runner reaches the stack at\`);
  return value.replace(/\\/+$/, '');
}
`;
}
