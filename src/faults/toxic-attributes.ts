/**
 * Attributes of each toxic type: names, units, defaults and allowed values. Names, units and defaults are Toxiproxy's
 * (defaults are its zero values); drill is stricter and answers 400 for unknown names, negative values, fractions
 * where Toxiproxy decodes an integer, and slicer sizes that would hang or crash Toxiproxy (`average_size` 0, `size_variation` over `average_size`).
 */
import { ApiError, showJson } from './api-error.ts';
import type { ToxicAttributes, ToxicType } from './toxic-types.ts';

interface AttributeRule {
  /** Unit shown in error messages. */
  unit: string;
  integer: boolean;
  min: number;
  max?: number;
}

const ms: AttributeRule = { unit: 'milliseconds', integer: true, min: 0 };
const bytes: AttributeRule = { unit: 'bytes', integer: true, min: 0 };
const probability: AttributeRule = { unit: 'probability from 0 to 1', integer: false, min: 0, max: 1 };

const RULES: Record<ToxicType, Record<string, AttributeRule>> = {
  latency: { latency: ms, jitter: ms },
  bandwidth: { rate: { unit: 'KB/s', integer: true, min: 0 } },
  slow_close: { delay: ms },
  timeout: { timeout: ms },
  reset_peer: { timeout: ms },
  slicer: { average_size: bytes, size_variation: bytes, delay: { unit: 'microseconds', integer: true, min: 0 } },
  limit_data: { bytes },
  // `rto` applies on TCP proxies only (0 means the default, 200 ms).
  loss: { probability, correlation: probability, rto: ms },
  duplicate: { probability },
  reorder: { probability, delay: ms },
};

/**
 * Rounds the attributes Toxiproxy decodes as integers (all but probabilities), so a computed value such as a ramp
 * step (33.3 ms) is accepted by drill's server and a stock Toxiproxy alike. Unknown names are left as they are.
 */
export function roundIntegerAttributes(type: string, attributes: ToxicAttributes): ToxicAttributes {
  const rules = (RULES as Record<string, Record<string, AttributeRule> | undefined>)[type];
  if (!rules) return attributes;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, rules[name]?.integer && Number.isFinite(value) ? Math.round(value) : value]),
  );
}

/** Every attribute of `type` at its default (0). */
export function defaultAttributes(type: ToxicType): ToxicAttributes {
  return Object.fromEntries(Object.keys(RULES[type]).map((name) => [name, 0]));
}

function checkValue(type: ToxicType, name: string, value: unknown): number {
  const rule = RULES[type][name];
  if (!rule) {
    const known = Object.keys(RULES[type]).join(', ');
    throw ApiError.badRequest(`unknown attribute \`${name}\` for a ${type} toxic; its attributes are ${known}`);
  }
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value));
  if (!ok) {
    const kind = rule.integer ? 'a non-negative integer' : 'a number';
    throw ApiError.badRequest(`attribute \`${name}\` of a ${type} toxic must be ${kind} (${rule.unit}), got ${showJson(value)}`);
  }
  return value as number;
}

function checkCombination(type: ToxicType, attributes: ToxicAttributes): void {
  if (type !== 'slicer') return;
  const average = attributes['average_size'] ?? 0;
  const variation = attributes['size_variation'] ?? 0;
  if (average < 1) throw ApiError.badRequest('attribute `average_size` of a slicer toxic must be at least 1 (bytes)');
  // Toxiproxy cuts at half ± size_variation: up to average_size every piece is non-empty (it accepts 1000/1000);
  // past it a cut can fall outside the chunk, which crashes Toxiproxy's slicer.
  if (variation > average) {
    throw ApiError.badRequest(
      `attribute \`size_variation\` of a slicer toxic must be at most \`average_size\` (${average} bytes), got ${variation}`,
    );
  }
}

/**
 * Validates `input` (the JSON `attributes` object) and merges it over `base`.
 * Throws ApiError 400 naming the attribute, its unit and the value when something is wrong.
 */
export function mergeAttributes(type: ToxicType, base: ToxicAttributes, input: unknown): ToxicAttributes {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw ApiError.badRequest(`\`attributes\` must be an object, got ${showJson(input)}`);
  }
  const merged: ToxicAttributes = { ...base };
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) merged[name] = checkValue(type, name, value);
  checkCombination(type, merged);
  return merged;
}
