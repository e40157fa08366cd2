/**
 * `drill export k6 --k6-operator`: the exported script as a ConfigMap, a PersistentVolumeClaim for the results,
 * and a k6-operator TestRun (k6.io/v1alpha1) that runs it on `parallelism` runners. k6-operator splits the test
 * with execution segments itself (recorded in an annotation); every runner writes its JSON output and summary
 * to the claim under its pod name, so `drill import k6` can merge them.
 */
import { stringify } from 'yaml';
import { executionSegments } from './execution-segments.ts';

export interface ManifestOptions {
  /** Base of every object's name (DNS label). */
  name: string;
  scriptFile: string;
  scriptSource: string;
  parallelism: number;
  /** Environment of the runners: how they reach the stack (NAME → URL). */
  env: Record<string, string>;
  namespace?: string;
}

export const RESULTS_DIR = '/results';

export function testRunManifest(options: ManifestOptions): { testRun: Record<string, unknown>; yaml: string } {
  const { name, parallelism } = options;
  const { sequence, segments } = executionSegments(parallelism);
  const metadata = (suffix: string) => ({ name: `${name}${suffix}`, ...(options.namespace ? { namespace: options.namespace } : {}) });
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata('-script'),
    data: { [options.scriptFile]: options.scriptSource },
  };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata('-results'),
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
  };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: {
      ...metadata(''),
      annotations: {
        'drill.dev/execution-segment-sequence': sequence,
        'drill.dev/execution-segments': segments.map((s) => `${name}-${s.runner}=${s.segment}`).join(' '),
      },
    },
    spec: {
      parallelism,
      script: { configMap: { name: `${name}-script`, file: options.scriptFile } },
      // Kubernetes expands $(RUNNER_POD) (from the runner's env) in the runner's command: one file per runner.
      arguments: `--out json=${RESULTS_DIR}/$(RUNNER_POD).k6.json --summary-export=${RESULTS_DIR}/$(RUNNER_POD).summary.json`,
      runner: {
        env: [
          { name: 'RUNNER_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ...Object.entries(options.env).map(([envName, value]) => ({ name: envName, value })),
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName: `${name}-results` } }],
        volumeMounts: [{ name: 'results', mountPath: RESULTS_DIR }],
      },
    },
  };
  const yaml = [configMap, claim, testRun].map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n');
  return { testRun, yaml };
}
