/**
 * Playbook actions on a Wavry master's admin API end to end: an `http` call with the master's Bearer token and a
 * value captured from an earlier call drains a relay (the master's registry says so), the same call with a wrong
 * token fails the step with the master's 401, and a `fault` action puts latency on the relay's link for a while.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const PLAYBOOK = `name: admin-e2e
release: 0.0.5
services:
  master: { kind: master }
  relay-a: { kind: relay }
links:
  - { from: relay-a, to: master }
load: { executor: constant-arrival-rate, rate: 20, duration: 6s, gracefulStop: 2s }
workload: { type: http, target: master.http, path: /health, timeout: 2s }
steadyState:
  - { name: relay-registered, http: { service: master, path: /health, json: { field: relays_registered, equals: 1 } } }
method:
  - { name: find-relay, at: 1s, action: http, service: master, path: /v1/relays, capture: { relay: "0.relay_id" } }
  - name: drain
    action: http
    service: master
    method: POST
    path: /admin/api/relays/update_state
    headers: { authorization: "Bearer \${env.ADMIN_PANEL_TOKEN}" }
    body: { relay_id: "\${vars.relay}", new_state: Draining }
  - { name: drained, action: wait-until, timeout: 3s, probe: { http: { service: master, path: /v1/relays, json: { field: 0.state, equals: Draining } } } }
  - name: wrong-token
    action: http
    service: master
    method: POST
    path: /admin/api/relays/update_state
    headers: { authorization: "Bearer not-the-admin-token" }
    body: { relay_id: "\${vars.relay}", new_state: Active }
  - { name: slow-link, action: fault, fault: { type: latency, link: "relay-a->master", latency: 150, for: 1s } }
`;

describe('playbook admin actions', () => {
  it('drains a relay through the master admin API with its token, and fails the call without it', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-admin-')), 'admin.yaml');
    writeFileSync(file, PLAYBOOK);
    const { code, report } = await runScenarioFile(file);
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    expect(report.steadyState!.before[0]).toMatchObject({ pass: true, observed: 'status 200, relays_registered = 1' });
    expect(step('find-relay')).toMatchObject({ pass: true });
    expect(step('drain')).toMatchObject({ pass: true, detail: expect.stringMatching(/^POST \/admin\/api\/relays\/update_state → 200/) });
    // The master's registry took the change: the relay is Draining.
    expect(step('drained')).toMatchObject({ pass: true, detail: expect.stringContaining('0.state = "Draining"') });
    expect(step('wrong-token')).toMatchObject({ pass: false, error: expect.stringContaining('→ 401 (expected 200)') });
    expect(step('slow-link').error).toBeUndefined();
    expect(step('slow-link')).toMatchObject({ pass: true, detail: 'cleared after 1000 ms' });
    const faults = report.timeline.filter((e) => e.source === 'fault' && e.target === 'relay-a_to_master').map((e) => e.type);
    expect(faults).toEqual(['inject', 'clear']);
    expect(code).toBe(1); // the wrong token, on purpose
    expect(report.reasons.map((r) => r.message)).toEqual([expect.stringContaining('step wrong-token')]);
  });
});
