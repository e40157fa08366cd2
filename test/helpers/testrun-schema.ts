/**
 * JSON Schema of a k6-operator `TestRun` (k6.io/v1alpha1), written from the fields the CRD publishes
 * (grafana/k6-operator config/crd/bases/k6.io_testruns.yaml, commit e2c9571). Spec fields this export does not set
 * are kept as their published type only; unknown fields are refused, as a structural CRD would prune them.
 */
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const envVar = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    value: { type: 'string' },
    valueFrom: {
      type: 'object',
      properties: {
        fieldRef: {
          type: 'object',
          required: ['fieldPath'],
          properties: { apiVersion: { type: 'string' }, fieldPath: { type: 'string' } },
        },
        configMapKeyRef: { type: 'object' },
        secretKeyRef: { type: 'object' },
        resourceFieldRef: { type: 'object' },
      },
    },
  },
} as const;

const volumeMount = {
  type: 'object',
  required: ['mountPath', 'name'],
  properties: {
    mountPath: { type: 'string' },
    name: { type: 'string' },
    readOnly: { type: 'boolean' },
    subPath: { type: 'string' },
    subPathExpr: { type: 'string' },
    mountPropagation: { type: 'string' },
    recursiveReadOnly: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/** The pod template fields runner, starter and initializer share (those the export may set are typed fully). */
const podSpec = {
  type: 'object',
  properties: {
    image: { type: 'string' },
    imagePullPolicy: { type: 'string' },
    env: { type: 'array', items: envVar },
    envFrom: { type: 'array', items: { type: 'object' } },
    volumes: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    volumeMounts: { type: 'array', items: volumeMount },
    metadata: { type: 'object', properties: { annotations: stringMap, labels: stringMap }, additionalProperties: false },
    resources: { type: 'object' },
    nodeSelector: stringMap,
    serviceAccountName: { type: 'string' },
  },
} as const;

const scriptRef = (withReadOnly: boolean) =>
  ({
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, file: { type: 'string' }, ...(withReadOnly ? { readOnly: { type: 'boolean' } } : {}) },
    additionalProperties: false,
  }) as const;

export const testRunSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'k6-operator TestRun (k6.io/v1alpha1)',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'k6.io/v1alpha1' },
    kind: { const: 'TestRun' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
        namespace: { type: 'string' },
        annotations: stringMap,
        labels: stringMap,
      },
    },
    spec: {
      type: 'object',
      required: ['parallelism', 'script'],
      additionalProperties: false,
      properties: {
        args: { type: 'array', items: { type: 'string' } },
        arguments: { type: 'string' },
        cleanup: { enum: ['post'] },
        initializer: podSpec,
        parallelism: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
        paused: { type: 'string' },
        ports: { type: 'array', items: { type: 'object' } },
        quiet: { type: 'string' },
        runner: podSpec,
        script: {
          type: 'object',
          additionalProperties: false,
          properties: { configMap: scriptRef(false), localFile: { type: 'string' }, volumeClaim: scriptRef(true) },
        },
        scuttle: { type: 'object' },
        separate: { type: 'boolean' },
        starter: podSpec,
        testRunId: { type: 'string' },
        token: { type: 'string' },
      },
    },
    status: { type: 'object' },
  },
} as const;
