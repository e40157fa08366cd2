/**
 * The http workload as k6 code: one request per iteration. k6 measures it with its own metrics, which are the
 * SLIs of the same name: `http_req_duration` (k6: request sent → response received, not counting connection setup
 * or a wait for a VU) and `http_req_failed` (k6: a status outside `expectedStatuses`, or no response).
 */
import type { HttpWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { WorkloadScript } from './workload-script.ts';

export const HTTP_K6_SLIS = ['http_req_duration', 'http_req_failed'];

export function httpScript(workload: HttpWorkloadSpec): WorkloadScript {
  const url = workload.target.includes('://') ? workload.target.replace(/\/+$/, '') : undefined;
  const limits = [
    "http_req_duration is k6's: from the actual send, without connection setup (drill: from the intended time); http_req_duration_uncorrected is not measured",
    `connections ${workload.connections}: k6 keeps a connection per VU, not a fixed pool`,
  ];
  return {
    imports: ["import http from 'k6/http';", "import { Counter } from 'k6/metrics';"],
    produced: HTTP_K6_SLIS,
    env: url ? {} : { TARGET_URL: `the address of ${workload.target}` },
    limits,
    extraScenarios: {},
    body: `/** ${url ? 'The target URL of the scenario; TARGET_URL overrides it.' : `The address of ${workload.target} (a service of the stack).`} */
const TARGET_URL = ${url ? `(__ENV.TARGET_URL || ${JSON.stringify(url)}).replace(/\\/+$/, '')` : "requiredEnv('TARGET_URL', 'http://127.0.0.1:8080')"};
const METHOD = ${JSON.stringify(workload.method)};
const PATH = ${JSON.stringify(workload.path)};
const HEADERS: Record<string, string> = ${JSON.stringify(workload.headers)};
const BODY: string | null = ${workload.body === undefined ? 'null' : JSON.stringify(workload.body)};
const EXPECTED_STATUSES: number[] = ${JSON.stringify(workload.expectStatus)};
const EXPECTED = http.expectedStatuses(...EXPECTED_STATUSES);
/** The failed requests of http_req_failed, as a count (k6 judges a rate only by \`rate\`). */
const httpReqFailedCount = new Counter('http_req_failed_count');

export function arrival(): void {
  const response = http.request(METHOD, \`\${TARGET_URL}\${PATH}\`, BODY, {
    headers: HEADERS,
    timeout: '${workload.timeout}ms',
    responseCallback: EXPECTED,
    tags: { name: PATH },
  });
  if (!EXPECTED_STATUSES.includes(response.status)) httpReqFailedCount.add(1);
}
`,
  };
}
