/**
 * `--release R` and `--release SERVICE=R` of `drill run`: the release under test for the services without their
 * own, or the release of one service (a breaking master under an otherwise good stack). Checked against the
 * fixtures' release profiles as the scenario's own releases are, so a typo is bad input, not a failed start.
 */
import { UsageError } from '../common/errors.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { fixtureReleases } from '../scenario/fixture-catalog.ts';

export function applyReleaseOptions(scenario: Scenario, options: readonly string[]): void {
  for (const option of options) {
    const at = option.indexOf('=');
    const name = at > 0 ? option.slice(0, at) : undefined;
    const release = at > 0 ? option.slice(at + 1) : option;
    if (release === '') throw new UsageError(`--release ${option}: the release is empty`);
    if (name === undefined) {
      scenario.release = release;
      continue;
    }
    const service = scenario.services[name];
    if (!service) throw new UsageError(`--release ${option}: the scenario has no service "${name}"; it has ${Object.keys(scenario.services).join(', ')}`);
    service.release = release;
  }
  for (const [name, service] of Object.entries(scenario.services)) {
    if (service.command || service.image || service.url || (service.kind === 'redis' && !service.fixture)) continue;
    const fixture = service.fixture ?? service.kind;
    const release = service.release ?? scenario.release;
    const known = fixtureReleases(fixture);
    if (release !== undefined && known && !known.includes(release)) {
      throw new UsageError(`--release: fixture "${fixture}" of service "${name}" has no release "${release}"; it has ${known.join(', ')}`);
    }
  }
}
