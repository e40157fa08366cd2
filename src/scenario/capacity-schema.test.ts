import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../common/errors.ts';
import { parseScenario } from './scenario-loader.ts';

const base = readFileSync('scenarios/signal-capacity.yaml', 'utf8');

function issuesOf(text: string): string[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map((i) => `${i.path} ${i.location ? `${i.location.line}:${i.location.column}` : ''} ${i.message}`);
    throw error;
  }
  return [];
}

describe('capacity: section', () => {
  it('reads rates, shares and durations once, at load time', () => {
    const { scenario } = parseScenario(base, 'signal-capacity.yaml');
    expect(scenario.capacity).toMatchObject({ start: 2, factor: 2.5, max: 100, hold: 4_000, warmup: 1_000, resolution: 0.05, lagBound: 500, peak: 5, headroom: 0.3 });
    expect(scenario.capacity!.vary).toEqual({ 'bot.env.WORKER_POOL_SIZE': ['2', '4'] });
    const perMinute = parseScenario(base.replace('peak: 5/s', 'peak: 300/m'), 'x.yaml').scenario.capacity!;
    expect(perMinute.peak).toBe(5);
  });

  it('names each bad key with its line and column', () => {
    const issues = issuesOf(base.replace('peak: 5/s', 'peak: 5 per second').replace('headroom: 30%', 'headroom: lots').replace('  maxSteps: 12\n', '  maxSteps: 12\n  holdd: 3s\n'));
    expect(issues.some((i) => /^capacity\.peak \d+:\d+ .*"300\/s"/.test(i))).toBe(true);
    expect(issues.some((i) => /^capacity\.headroom \d+:\d+ .*percentage/.test(i))).toBe(true);
    expect(issues.some((i) => /holdd/.test(i))).toBe(true);
  });

  it('refuses vary and failover entries that name no service, and factor with increment', () => {
    const issues = issuesOf(base.replace('bot.env.WORKER_POOL_SIZE', 'worker.env.WORKER_POOL_SIZE').replace('  factor: 2.5\n', '  factor: 2.5\n  failover: { stop: [relay-z] }\n'));
    expect(issues.some((i) => /varies unknown service "worker"/.test(i))).toBe(true);
    expect(issues.some((i) => /^capacity\.failover\.stop\.0 \d+:\d+ stops unknown service "relay-z"/.test(i))).toBe(true);
    expect(issuesOf(base.replace('  factor: 2.5\n', '  factor: 2.5\n  increment: 1/s\n')).some((i) => /^capacity\.increment .*factor or increment, not both/.test(i))).toBe(true);
  });

  it('takes replicas.<service> with whole instance counts only', () => {
    const replicas = base.replace('bot.env.WORKER_POOL_SIZE: [2, 4]', 'replicas.bot: [1, 2]');
    expect(parseScenario(replicas, 'x.yaml').scenario.capacity!.vary).toEqual({ 'replicas.bot': ['1', '2'] });
    expect(issuesOf(replicas.replace('[1, 2]', '[1, 0.5]')).some((i) => /^capacity\.vary\.replicas\.bot\.1 .*whole number from 1 to 16/.test(i))).toBe(true);
  });
});
